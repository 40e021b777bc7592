/**
 * What resolveDelta hands engines: typed partition values, schema types,
 * deletion vectors, column mapping, protocol refusals, time travel and
 * picking up a new commit on reload.
 */
import assert from "node:assert/strict";
import { resolveDelta } from "../../../sources/delta/mod.ts";
import { FIXTURES, fsStore, tempCopy } from "./_store.ts";

const resolve = (
  table: string,
  opts: { version?: number; timestamp?: string } = {},
) => resolveDelta(fsStore(), `${FIXTURES}${table}`, { name: table, ...opts });

Deno.test("partition values are typed, null partitions are null", async () => {
  const source = await resolve("partition-values");
  assert.equal(source.files.length, 3);
  const byInt = new Map(
    source.files.map((f) => [f.partitionValues.as_int, f.partitionValues]),
  );
  const zero = byInt.get(0)!;
  assert.equal(zero.as_long, 0n);
  assert.equal(zero.as_byte, 0);
  assert.equal(zero.as_boolean, true);
  assert.equal(zero.as_float, 0);
  assert.equal(zero.as_string, "0");
  assert.equal(zero.as_string_lit_null, "null");
  assert.equal(zero.as_date, Date.UTC(2021, 8, 8) / 86_400_000);
  assert.equal(
    zero.as_timestamp,
    BigInt(Date.UTC(2021, 8, 8, 11, 11, 11)) * 1000n,
  );
  assert.deepEqual(zero.as_big_decimal, { unscaled: 0n, scale: 0 });
  const nulls = byInt.get(null)!;
  for (const value of Object.values(nulls)) assert.equal(value, null);
  // The schema lists the partition columns first; columns keep its order.
  assert.deepEqual(
    source.partitionColumns.map((f) => f.name),
    source.schema.fields.slice(0, 12).map((f) => f.name),
  );
  assert.deepEqual(
    source.schema.fields.slice(12).map((f) => f.name),
    ["as_list_of_records", "as_nested_struct", "value"],
  );
});

Deno.test("schema maps Delta types to datapress types", async () => {
  const types = Object.fromEntries(
    (await resolve("primitives")).schema.fields.map((f) => [f.name, f.type]),
  );
  assert.deepEqual(types.as_long, { kind: "int", bits: 64, signed: true });
  assert.deepEqual(types.as_byte, { kind: "int", bits: 8, signed: true });
  assert.deepEqual(types.as_float, { kind: "float", bits: 32 });
  assert.deepEqual(types.as_binary, { kind: "binary" });
  assert.equal(types.as_big_decimal?.kind, "decimal");
  const ntz = (await resolve("timestamp-ntz")).schema.fields;
  assert.deepEqual(ntz.find((f) => f.name === "tsNtz")?.type, {
    kind: "timestamp",
    unit: "us",
    utc: false,
  });
  const nested = (await resolve("nested-struct")).schema.fields[0]!;
  assert.equal(nested.type.kind, "struct");
  const map = (await resolve("map")).schema.fields.find((f) =>
    f.type.kind === "map"
  );
  assert.ok(map);
});

Deno.test("column mapping gives physical names (by name and by parquet field id)", async () => {
  for (const table of ["column-mapping-name", "column-mapping-id"]) {
    const source = await resolve(table);
    const names = source.files[0]!.physicalNames!;
    assert.match(names.ByteType!, /^col-[0-9a-f-]{36}$/);
    assert.ok(source.schema.fields.some((f) => f.name === "ByteType"));
  }
  const dv = await resolve("dv-with-columnmapping");
  assert.deepEqual(dv.partitionColumns.map((f) => f.name), ["part"]);
  assert.ok(dv.files.every((f) => typeof f.partitionValues.part === "number"));
});

Deno.test("deletion vectors become sorted row positions", async () => {
  const source = await resolve("table-with-dv-small");
  assert.deepEqual(Array.from(source.files[0]!.deletedRows!), [0, 9]);
  const withDvs = (await resolve("dv-partitioned-with-checkpoint")).files
    .filter((f) => f.deletedRows);
  assert.ok(withDvs.length > 0);
  for (const f of withDvs) {
    const rows = Array.from(f.deletedRows!);
    assert.deepEqual(rows, [...rows].sort((a, b) => a - b));
  }
});

Deno.test("an unsupported reader feature is refused by name", async () => {
  await assert.rejects(() => resolve("table-with-geo"), (err: Error) => {
    assert.equal(err.name === "DeltaFormatError", false);
    assert.match(err.message, /"geospatial"/);
    assert.match(err.message, /table-with-geo/);
    assert.doesNotMatch(err.message, /\/work|\/tmp|fixtures/);
    return true;
  });
});

Deno.test("reader version 4 is refused", async () => {
  const root = await tempCopy(`${FIXTURES}primitives`);
  try {
    const log = `${root}/_delta_log/00000000000000000001.json`;
    await Deno.writeTextFile(
      log,
      JSON.stringify({
        protocol: { minReaderVersion: 4, minWriterVersion: 7 },
      }) + "\n",
    );
    await assert.rejects(
      () => resolveDelta(fsStore(), root, { name: "t" }),
      /reader version 4 is not supported/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a stale or corrupt _last_checkpoint is only a hint", async () => {
  const source = await resolve("checkpoint-corrupt-hint");
  assert.equal(source.sourceVersion, 11);
});

Deno.test("multi-part and v2 checkpoints are read instead of old commits", async () => {
  const store = fsStore();
  const root = `${FIXTURES}v2-checkpoint-parquet`;
  await resolveDelta(store, root, { name: "v2" });
  assert.ok(store.reads.some((p) => p.includes("/_sidecars/")));
  assert.ok(!store.reads.some((p) => p.endsWith("00000000000000000000.json")));
});

Deno.test("time travel by version", async () => {
  // GoldenTables.scala: version v appends ids v*10 .. v*10+9.
  for (const version of [0, 1, 2]) {
    const source = await resolve("time-travel", { version });
    assert.equal(source.sourceVersion, version);
    assert.equal(source.files.length, 2 * (version + 1));
    assert.match(source.fingerprint, new RegExp(`:v${version}:`));
  }
  await assert.rejects(
    () => resolve("time-travel", { version: 3 }),
    /version 3 does not exist/,
  );
});

Deno.test("time travel by timestamp uses commit timestamps", async () => {
  // commitInfo.timestamp of versions 0, 1, 2 in the fixture's log.
  const v1 = 1603724021190;
  const at = (ms: number) => new Date(ms).toISOString();
  assert.equal(
    (await resolve("time-travel", { timestamp: at(v1) })).sourceVersion,
    1,
  );
  assert.equal(
    (await resolve("time-travel", { timestamp: at(v1 - 1) })).sourceVersion,
    0,
  );
  assert.equal(
    (await resolve("time-travel", { timestamp: "2030-01-01" })).sourceVersion,
    2,
  );
  await assert.rejects(
    () => resolve("time-travel", { timestamp: "2019-01-01T00:00:00Z" }),
    /before the earliest available version/,
  );
  await assert.rejects(
    () => resolve("time-travel", { timestamp: "yesterday" }),
    /ISO-8601/,
  );
});

Deno.test("a new commit is picked up on the next resolve (reload)", async () => {
  const root = await tempCopy(`${FIXTURES}time-travel`);
  try {
    const before = await resolveDelta(fsStore(), root, { name: "t" });
    assert.equal(before.sourceVersion, 2);
    const removed = before.files[0]!.path.slice(root.length + 1);
    await Deno.writeTextFile(
      `${root}/_delta_log/00000000000000000003.json`,
      [
        { commitInfo: { timestamp: 1603724030000, operation: "DELETE" } },
        {
          remove: {
            path: removed,
            deletionTimestamp: 1603724030000,
            dataChange: true,
          },
        },
      ].map((a) => JSON.stringify(a)).join("\n") + "\n",
    );
    const after = await resolveDelta(fsStore(), root, { name: "t" });
    assert.equal(after.sourceVersion, 3);
    assert.equal(after.files.length, before.files.length - 1);
    assert.notEqual(after.fingerprint, before.fingerprint);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a missing commit makes the version unreadable", async () => {
  const root = await tempCopy(`${FIXTURES}time-travel`);
  try {
    await Deno.remove(`${root}/_delta_log/00000000000000000001.json`);
    await assert.rejects(
      () => resolveDelta(fsStore(), root, { name: "t" }),
      /version 2 cannot be rebuilt/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
