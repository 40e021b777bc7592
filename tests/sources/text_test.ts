/**
 * CSV/TSV/NDJSON sources, plain and gzipped: typed as DuckDB's readers
 * infer them, served like parquet, errors naming the file as the source
 * names it, polling seeing their changes.
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { textToParquet } from "../../engines/duckdb/mod.ts";
import { datasetFromArg } from "../../server/dataset_config.ts";
import { SourceError } from "../../sources/errors.ts";
import { listingFingerprint } from "../../sources/poll.ts";
import { resolveSource, type SourceSpec } from "../../sources/resolve.ts";
import { testApp } from "../http/_app.ts";

const CSV = `n,x,s,d,t,b
1,1.5,apple,2024-01-02,2024-01-02 03:04:05,true
2,,"pear, ripe",2024-02-29,2024-02-29 23:59:59,false
3,-2.25,,2023-12-31,2023-12-31 00:00:00,
`;
const TSV = `n\tx\ts\td\tt\tb
1\t1.5\tapple\t2024-01-02\t2024-01-02 03:04:05\ttrue
2\t\tpear, ripe\t2024-02-29\t2024-02-29 23:59:59\tfalse
3\t-2.25\t\t2023-12-31\t2023-12-31 00:00:00\t
`;
const CSV_TYPES = [
  ["n", "int64"],
  ["x", "float64"],
  ["s", "string"],
  ["d", "date"],
  ["t", "timestamp[us]"],
  ["b", "bool"],
];
const NDJSON = [
  { id: 1, name: "a", score: 0.5, tags: ["x", "y"], at: { city: "Zürich" } },
  { id: 2, name: null, score: 2, tags: [], at: { city: "Oslo" } },
  { id: 3, name: "c", score: -1.25, tags: ["z"], at: null },
].map((o) => JSON.stringify(o)).join("\n") + "\n";
const NDJSON_TYPES = [
  ["id", "int64"],
  ["name", "string"],
  ["score", "float64"],
  ["tags", "list<string>"],
  ["at", "struct<city: string>"],
];

const enc = new TextEncoder();

async function write(
  dir: string,
  name: string,
  text: string,
): Promise<string> {
  const path = `${dir}/${name}`;
  const bytes = enc.encode(text);
  await Deno.writeFile(path, name.endsWith(".gz") ? gzipSync(bytes) : bytes);
  return path;
}

const convert =
  (cache: string) => (files: Parameters<typeof textToParquet>[0]) =>
    textToParquet(files, cache);

Deno.test("text sources: csv, tsv, ndjson, jsonl, gzipped or not, typed as DuckDB infers", async () => {
  const dir = await Deno.makeTempDir();
  const variants: [string, string, string[][]][] = [
    ["plain.csv", CSV, CSV_TYPES],
    ["zipped.csv.gz", CSV, CSV_TYPES],
    ["tabs.tsv", TSV, CSV_TYPES],
    ["lines.ndjson", NDJSON, NDJSON_TYPES],
    ["lines.jsonl.gz", NDJSON, NDJSON_TYPES],
  ];
  for (const [name, text, types] of variants) {
    const path = await write(dir, name, text);
    for (const backend of ["duckdb", "memory"] as const) {
      const t = await testApp({ backend }, path);
      try {
        const list = await (await t.call("GET", "/api/v1/datasets")).json();
        assert.equal(
          list.datasets[0].format,
          name.includes("json") ? "ndjson" : "csv",
          name,
        );
        const schema = await (await t.call("GET", "/api/v1/datasets/fx/schema"))
          .json();
        assert.deepEqual(
          schema.columns.map((c: { name: string; type: string }) => [
            c.name,
            c.type,
          ]),
          types,
          `${name} on ${backend}`,
        );
        assert.equal(schema.rows, 3);
        const page = await (await t.call("POST", "/api/v1/datasets/fx/query", {
          columns: [types[0]![0], types[2]![0]],
          order_by: [{ col: types[0]![0], dir: "desc" }],
          page_size: 1,
        })).json();
        assert.deepEqual(
          page.rows,
          name.includes("json")
            ? [{ id: 3, score: -1.25 }]
            : [{ n: 3, s: null }],
          `${name} on ${backend}`,
        );
      } finally {
        await t.close();
      }
    }
  }
  // The CLI's dataset name drops the extensions.
  assert.equal(datasetFromArg(`${dir}/zipped.csv.gz`, 0).name, "zipped");
  assert.equal(datasetFromArg(`${dir}/lines.jsonl.gz`, 0).name, "lines");
});

Deno.test("text sources: format override, directories, errors, polling", async () => {
  const dir = await Deno.makeTempDir();
  const cache = `${dir}/.cache`;
  const opts = { textToParquet: convert(cache) };
  const spec = (source: string, format?: SourceSpec["format"]): SourceSpec => ({
    name: "t",
    source,
    format,
  });

  // A name without a known extension needs the format from the config.
  const txt = await write(dir, "export.txt", CSV);
  const fromTxt = await resolveSource(spec(txt, "csv"), opts);
  assert.equal(fromTxt.format, "csv");
  assert.equal(fromTxt.schema.fields.length, 6);

  // A directory of CSV files (columns united by name).
  await Deno.mkdir(`${dir}/many`);
  await write(`${dir}/many`, "a.csv", "k,v\n1,x\n");
  await write(`${dir}/many`, "b.csv", "k,w\n2,3.5\n");
  const many = await resolveSource(spec(`${dir}/many/`, "csv"), opts);
  assert.deepEqual(many.schema.fields.map((f) => f.name), ["k", "v", "w"]);

  // A malformed file: the message names it as the source does, never the
  // absolute path.
  const broken = await write(dir, "broken.ndjson", '{"a": 1}\n{"a": \n');
  await assert.rejects(
    () => resolveSource(spec(broken), opts),
    (e) => {
      assert.ok(e instanceof SourceError);
      assert.match(
        e.message,
        /dataset "t": …\/broken\.ndjson is not readable as ndjson: .*broken\.ndjson/,
      );
      assert.ok(!e.message.includes(dir), e.message);
      return true;
    },
  );

  // Without a converter, a text source is refused, not misread.
  await assert.rejects(() => resolveSource(spec(txt, "csv")), SourceError);

  // Polling sees a changed file, and the next load converts it again.
  const csv = await write(dir, "live.csv", CSV);
  const before = await listingFingerprint(spec(csv));
  const first = await resolveSource(spec(csv), opts);
  await new Promise((r) => setTimeout(r, 20));
  await write(
    dir,
    "live.csv",
    CSV + "4,0,x,2024-01-01,2024-01-01 00:00:00,true\n",
  );
  assert.notEqual(await listingFingerprint(spec(csv)), before);
  const second = await resolveSource(spec(csv), opts);
  assert.notEqual(second.files[0]!.path, first.files[0]!.path);
  assert.equal(second.fingerprint, await listingFingerprint(spec(csv)));
});
