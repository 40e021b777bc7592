/**
 * Reader features and schema evolution refusals: every reader feature
 * delta-kernel-rs knows is either read or refused by name (at load: exit 2
 * from the CLI; on reload: 502 with the old version still served), a type
 * change the protocol does not allow is refused, and so is a data file
 * whose values would not survive the table's type.
 */
import assert from "node:assert/strict";
import { createApp } from "../../../server/app.ts";
import { defaultConfig } from "../../../server/config.ts";
import { datasetFromArg } from "../../../server/dataset_config.ts";
import { resolveDelta } from "../../../sources/delta/mod.ts";
import {
  checkProtocol,
  REFUSED_READER_FEATURES,
  SUPPORTED_READER_FEATURES,
} from "../../../sources/delta/protocol.ts";
import { toDataType } from "../../../sources/delta/schema.ts";
import { widens } from "../../../sources/delta/type_widening.ts";
import { FIXTURES, fsStore, tempCopy } from "./_store.ts";

/**
 * The reader-writer features of delta-kernel-rs `TableFeature`
 * (kernel/src/table_features/mod.rs at b14c3fb), plus the
 * `timestampWithoutTimezone` alias it accepts.
 */
const KERNEL_READER_FEATURES = [
  "catalogManaged",
  "catalogOwned-preview",
  "columnMapping",
  "deletionVectors",
  "timestampNtz",
  "timestampWithoutTimezone",
  "typeWidening",
  "typeWidening-preview",
  "v2Checkpoint",
  "vacuumProtocolCheck",
  "variantType",
  "variantType-preview",
  "variantShredding",
  "variantShredding-preview",
  "adaptiveMetadata-preview",
  "geospatial",
];

const protocol = (readerFeatures: string[]) => ({
  minReaderVersion: 3,
  minWriterVersion: 7,
  readerFeatures,
});

Deno.test("reader features: each one delta-kernel-rs knows is read or refused with its reason", () => {
  for (const feature of KERNEL_READER_FEATURES) {
    const supported = SUPPORTED_READER_FEATURES.has(feature);
    const reason = REFUSED_READER_FEATURES[feature];
    assert.ok(supported !== (reason !== undefined), feature);
    if (supported) {
      checkProtocol(protocol([feature]));
      continue;
    }
    assert.throws(
      () => checkProtocol(protocol(["deletionVectors", feature])),
      (err: Error) => {
        assert.equal(
          err.message,
          `unsupported reader feature "${feature}": ${reason}`,
        );
        return true;
      },
    );
  }
  assert.throws(
    () => checkProtocol(protocol(["madeUpFeature", "variantType"])),
    /"madeUpFeature": unknown to this reader; unsupported reader feature "variantType"/,
  );
  // Below reader version 3 the list means nothing (column mapping comes
  // with version 2 itself).
  checkProtocol({
    minReaderVersion: 2,
    minWriterVersion: 5,
    readerFeatures: ["variantType"],
  });
});

Deno.test("reader features: tables written by Spark with variants or geometry are refused by name", async () => {
  const cases: Record<string, string> = {
    "variant-type": "variantType",
    "variant-type-preview": "variantType-preview",
    "variant-shredding-preview": "variantShredding-preview",
    "table-with-geo": "geospatial",
  };
  for (const [table, feature] of Object.entries(cases)) {
    await assert.rejects(
      () => resolveDelta(fsStore(), `${FIXTURES}${table}`, { name: table }),
      (err: Error) => {
        assert.match(
          err.message,
          new RegExp(`^cannot read Delta table "${table}": .*"${feature}"`),
        );
        return true;
      },
    );
  }
});

Deno.test("reader features: the CLI refuses at start, exit 2, naming the feature", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../../main.ts", import.meta.url).pathname,
      "serve",
      `v=${FIXTURES}variant-type`,
      "--port",
      "0",
      "--kv",
      ":memory:",
    ],
    stdout: "piped",
    stderr: "piped",
    env: { DATAPRESS_LOG: "error" },
  }).output();
  assert.equal(out.code, 2);
  const stderr = new TextDecoder().decode(out.stderr).trim();
  assert.match(
    stderr,
    /^error: cannot read Delta table "v": unsupported reader feature "variantType": variant columns are not supported$/,
  );
});

Deno.test("reader features: a reload onto a refused feature is a 502 naming it; the old version keeps serving", async () => {
  const root = await tempCopy(`${FIXTURES}primitives`);
  const app = await createApp({
    ...defaultConfig(),
    kv: ":memory:",
    datasets: [{ ...datasetFromArg(root, 0), name: "t" }],
  }, { adminToken: "tok" });
  try {
    await app.loadAll();
    const count = async () =>
      (await (await app.handler(
        new Request("http://local/api/v1/datasets/t/count", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        }),
      )).json()).count;
    const before = await count();
    const commits = [...Deno.readDirSync(`${root}/_delta_log`)]
      .filter((e) => e.name.endsWith(".json")).length;
    await Deno.writeTextFile(
      `${root}/_delta_log/${String(commits).padStart(20, "0")}.json`,
      JSON.stringify({
        protocol: {
          minReaderVersion: 3,
          minWriterVersion: 7,
          readerFeatures: ["catalogManaged"],
          writerFeatures: ["catalogManaged"],
        },
      }) + "\n",
    );
    const res = await app.handler(
      new Request("http://local/api/v1/datasets/t/reload", {
        method: "POST",
        headers: { "x-admin-token": "tok" },
      }),
    );
    assert.equal(res.status, 502);
    const { error } = await res.json();
    assert.match(error.message, /unsupported reader feature "catalogManaged"/);
    assert.equal(await count(), before);
  } finally {
    await app.close();
    await Deno.remove(root, { recursive: true });
  }
});

/** A temp copy of `fixture` whose last commit's schema is edited by `edit`. */
async function editedSchema(
  fixture: string,
  edit: (schema: string) => string,
): Promise<string> {
  const root = await tempCopy(`${FIXTURES}${fixture}`);
  const logs = [...Deno.readDirSync(`${root}/_delta_log`)]
    .map((e) => e.name).filter((n) => n.endsWith(".json")).sort();
  const last = `${root}/_delta_log/${logs.at(-1)}`;
  const lines = (await Deno.readTextFile(last)).trim().split("\n").map((l) =>
    JSON.parse(l)
  );
  for (const line of lines) {
    if (line.metaData) {
      line.metaData.schemaString = edit(line.metaData.schemaString);
    }
  }
  await Deno.writeTextFile(
    last,
    lines.map((l) => JSON.stringify(l)).join("\n") + "\n",
  );
  return root;
}

Deno.test("type widening: a recorded change that is not a widening refuses the table", async () => {
  const root = await editedSchema(
    "evolution-type-widening",
    (s) =>
      s.replace(
        '"fromType":"float","toType":"double"',
        '"fromType":"double","toType":"float"',
      ),
  );
  try {
    await assert.rejects(
      () => resolveDelta(fsStore(), root, { name: "tw" }),
      /column "f" changed type from double to float, which is not a type widening this reader supports/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("type widening: a data file whose values the table's type would round is refused, naming file and column", async () => {
  // A schema saying float while the newer file holds doubles.
  const root = await editedSchema(
    "evolution-type-widening",
    (s) =>
      s.replace('{"name":"f","type":"double"', '{"name":"f","type":"float"'),
  );
  try {
    await assert.rejects(
      () => resolveDelta(fsStore(), root, { name: "tw" }),
      /cannot read Delta table "tw": data file p=2024-01-03 04%3A05%3A06\/part-1\.parquet: column "f" holds float64 values, which cannot be read as the table's float$/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("type widening: exactly the changes PROTOCOL.md lists widen", () => {
  const t = (s: string) => toDataType(s);
  const yes: [string, string][] = [
    ["byte", "short"],
    ["short", "integer"],
    ["integer", "long"],
    ["byte", "long"],
    ["float", "double"],
    ["byte", "double"],
    ["integer", "double"],
    ["date", "timestamp_ntz"],
    ["decimal(5,2)", "decimal(10,4)"],
    ["decimal(5,2)", "decimal(6,2)"],
    ["integer", "decimal(10,0)"],
    ["long", "decimal(20,1)"],
    ["byte", "decimal(4,1)"],
  ];
  const no: [string, string][] = [
    ["long", "integer"],
    ["double", "float"],
    ["long", "double"],
    ["integer", "float"],
    ["date", "timestamp"],
    ["timestamp_ntz", "date"],
    ["decimal(10,4)", "decimal(10,2)"],
    ["decimal(10,2)", "decimal(10,4)"],
    ["integer", "decimal(9,0)"],
    ["long", "decimal(19,1)"],
    ["string", "binary"],
  ];
  for (const [from, to] of yes) {
    assert.ok(widens(t(from), t(to)), `${from} → ${to}`);
  }
  for (const [from, to] of no) {
    assert.ok(!widens(t(from), t(to)), `${from} → ${to}`);
  }
});

Deno.test("reader features: the README's table names each one", async () => {
  const readme = await Deno.readTextFile(
    new URL("../../../README.md", import.meta.url),
  );
  const section = readme.slice(readme.indexOf("**Delta reader features**"));
  for (
    const feature of [
      ...SUPPORTED_READER_FEATURES,
      ...Object.keys(REFUSED_READER_FEATURES),
    ]
  ) {
    assert.ok(section.includes(`\`${feature}\``), feature);
  }
});
