/**
 * decodeColumns against real files: apache/parquet-testing files
 * (tests/fixtures/parquet/), files DuckDB writes with every type we serve,
 * a hive tree and the Delta fixtures. Each decoded table goes back into
 * DuckDB and must print exactly as DuckDB's own read of the same file (or
 * the Delta fixture's expected rows).
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  decodeColumns,
  type DecodedTable,
  type DecodeProgress,
} from "../../../engines/duckdb/mod.ts";
import { resolveSource } from "../../../sources/resolve.ts";
import type { DataType } from "../../../data/types.ts";
import type { ResolvedSource } from "../../../sources/types.ts";
import {
  assertUtf8Layout,
  sorted,
  storeDecoded,
  textRows,
  utf8Cell,
} from "./_canonical.ts";

const PARQUET = new URL("../../fixtures/parquet/", import.meta.url).pathname;
const DELTA = new URL("../../fixtures/delta/", import.meta.url).pathname;

const db = await DuckDBInstance.create(":memory:");

async function sql(text: string): Promise<void> {
  const c = await db.connect();
  try {
    await c.run(text);
  } finally {
    c.closeSync();
  }
}

function typesOf(source: ResolvedSource): Map<string, DataType> {
  return new Map(source.schema.fields.map((f) => [f.name, f.type]));
}

/** The decoded rows in decoded order, each led by its row number. */
async function decodedText(table: DecodedTable, types: Map<string, DataType>) {
  const c = await db.connect();
  try {
    await storeDecoded(c, table);
    return await textRows(c, "SELECT * FROM decoded ORDER BY __row", types);
  } finally {
    c.closeSync();
  }
}

/** DuckDB's read of one parquet file, each row led by its row number. */
async function fileText(path: string, types: Map<string, DataType>) {
  const c = await db.connect();
  try {
    return await textRows(
      c,
      `SELECT file_row_number AS __row, * EXCLUDE (file_row_number)
       FROM read_parquet($1, file_row_number = true) ORDER BY __row`,
      types,
      [path],
    );
  } finally {
    c.closeSync();
  }
}

/** The layout promises of DecodedColumn, checked on every decoded table. */
function assertLayout(table: DecodedTable, source: ResolvedSource): void {
  assert.deepEqual(
    table.columns.map((c) => c.field.name),
    source.schema.fields.map((f) => f.name),
  );
  assert.equal(table.fileStarts.length, source.files.length + 1);
  assert.equal(table.fileStarts[source.files.length], table.rows);
  const utf8 = new TextEncoder();
  for (const c of table.columns) {
    if (c.valid) assert.equal(c.valid.length, table.rows, c.field.name);
    const text = c.field.type.kind === "string";
    if (text) assert.equal(typeof c.distinct, "number", c.field.name);
    if (text && !c.dictionary) assertUtf8Layout(c, table.rows);
    else {
      const n = (c.values as ArrayLike<unknown>).length;
      assert.equal(n, table.rows, c.field.name);
    }
    if (!c.dictionary) continue;
    const d = c.dictionary;
    const width = d.length <= 128
      ? Int8Array
      : d.length <= 32768
      ? Int16Array
      : Int32Array;
    assert.ok(c.values instanceof width, c.field.name);
    for (let i = 1; i < d.length; i++) {
      // Strictly ascending in UTF-8 byte order.
      const a = utf8.encode(d[i - 1]!), b = utf8.encode(d[i]!);
      let k = 0;
      while (k < a.length && k < b.length && a[k] === b[k]) k++;
      assert.ok(
        k < b.length && (k === a.length || a[k]! < b[k]!),
        `${c.field.name}: ${d[i - 1]} before ${d[i]}`,
      );
    }
    const codes = c.values as Int32Array;
    for (let r = 0; r < table.rows; r++) {
      const code = codes[r]!;
      if (c.valid && !c.valid[r]) assert.equal(code, -1, c.field.name);
      else assert.ok(code >= 0 && code < d.length, c.field.name);
    }
  }
}

const testingFiles = [...Deno.readDirSync(PARQUET)].map((e) => e.name)
  .filter((n) => n.endsWith(".parquet")).sort();

for (const name of testingFiles) {
  Deno.test(`decode: parquet-testing ${name} as DuckDB reads it`, async () => {
    const path = PARQUET + name;
    const source = await resolveSource({ name: "t", source: path });
    const table = await decodeColumns(source);
    assertLayout(table, source);
    const types = typesOf(source);
    assert.deepEqual(
      await decodedText(table, types),
      await fileText(path, types),
    );
  });
}

/** Every type datapress serves, nulls in each column, several row groups. */
const EVERY_TYPE = `SELECT
  (i % 200 - 100)::TINYINT AS i8, (i % 250)::UTINYINT AS u8,
  (i * 37 % 60000 - 30000)::SMALLINT AS i16, (i * 37 % 65000)::USMALLINT AS u16,
  (i * 2654435761 % 4294967296 - 2147483648)::INTEGER AS i32,
  (i * 2654435761 % 4294967296)::UINTEGER AS u32,
  CASE WHEN i % 10 = 0 THEN NULL ELSE (i * 1000003 - 9007199254740993)::BIGINT END AS i64,
  (18446744073709551615 - i)::UBIGINT AS u64,
  CASE i % 7 WHEN 0 THEN 'nan'::FLOAT WHEN 1 THEN '-0'::FLOAT WHEN 2 THEN NULL
    ELSE (i / 3)::FLOAT END AS f32,
  CASE i % 9 WHEN 0 THEN NULL WHEN 1 THEN 'inf'::DOUBLE WHEN 2 THEN '-inf'::DOUBLE
    WHEN 3 THEN 'nan'::DOUBLE ELSE i / 7 END AS f64,
  CAST((i % 100000 - 50000) / 100 AS DECIMAL(9,2)) AS d9,
  CASE WHEN i % 4 = 0 THEN NULL ELSE CAST(i * 12345.678 AS DECIMAL(18,3)) END AS d18,
  CAST((i - 1500) * 1.25 AS DECIMAL(38,10)) * 1000000000000 AS d38,
  CASE WHEN i % 11 = 0 THEN NULL
    ELSE ['Zebra', 'apple', 'été', '日本', '😀', '', 'a''b', 'Zürich'][1 + i % 8] END AS low,
  CASE WHEN i % 13 = 0 THEN NULL
    ELSE 'id-' || i || CASE WHEN i % 5 = 0 THEN '-ünï-a-long-tail-past-12-bytes' ELSE '' END END AS high,
  CASE WHEN i % 23 = 0 THEN NULL ELSE (i % 3 = 0) END AS flag,
  CASE WHEN i % 17 = 0 THEN NULL ELSE DATE '1969-12-25' + (i * 7 % 20000)::INTEGER END AS day,
  TIMESTAMP '1960-02-29 23:59:59.123456' + to_microseconds(i * 100000000003) AS ts,
  CASE WHEN i % 19 = 0 THEN NULL
    ELSE TIMESTAMPTZ '1999-12-31 23:00:00+00' + to_seconds(i * 3607) END AS tstz,
  CAST(TIMESTAMP '2001-01-01' + to_milliseconds(i * 1001) AS TIMESTAMP_MS) AS ts_ms,
  CAST(TIMESTAMP '2001-01-01' + to_microseconds(i * 1001) AS TIMESTAMP_NS) AS ts_ns,
  CASE WHEN i % 29 = 0 THEN NULL ELSE TIME '00:00:00' + to_microseconds(i * 28800001) END AS tm,
  CASE WHEN i % 31 = 0 THEN NULL ELSE ('\\x' || lpad(to_hex(i % 256), 2, '0') || '00ff')::BLOB END AS raw,
  CASE i % 6 WHEN 0 THEN NULL WHEN 1 THEN [] ELSE [i, NULL, i + 1] END AS ints,
  CASE WHEN i % 8 = 0 THEN NULL ELSE {
    'n': i % 4, 's': CASE WHEN i % 3 = 0 THEN NULL ELSE 'x' || (i % 3) END,
    'd': DATE '2000-01-01' + (i % 10)::INTEGER,
    'p': CAST(i / 8 AS DECIMAL(12,4)) } END AS rec,
  CASE WHEN i % 9 = 0 THEN NULL ELSE MAP {'k' || (i % 3): i % 5, 'z': NULL} END AS m,
  [{'a': i % 2, 'b': ['p', NULL][1 + i % 2], 't': [TIMESTAMP '2020-01-01' + to_seconds(i)]}] AS los
FROM range(3000) t(i)`;

Deno.test("decode: every served type, nulls, several row groups, as DuckDB reads them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "datapress-decode-" });
  const path = `${dir}/every.parquet`;
  await sql(
    `COPY (${EVERY_TYPE}) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 500)`,
  );
  const source = await resolveSource({ name: "t", source: path });
  const table = await decodeColumns(source);
  assertLayout(table, source);
  // Repeating strings come back as dictionaries, mostly-distinct ones as text.
  const by = new Map(table.columns.map((c) => [c.field.name, c]));
  assert.deepEqual(by.get("low")!.dictionary, [
    "",
    "Zebra",
    "Zürich",
    "a'b",
    "apple",
    "été",
    "日本",
    "😀",
  ]);
  assert.equal(by.get("high")!.dictionary, undefined);
  assertUtf8Layout(by.get("high")!, table.rows);
  assert.ok(by.get("i64")!.values instanceof BigInt64Array);
  assert.ok(by.get("f32")!.values instanceof Float32Array);
  assert.ok(by.get("day")!.values instanceof Int32Array);
  const types = typesOf(source);
  assert.deepEqual(
    await decodedText(table, types),
    await fileText(path, types),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("decode: a hive tree keeps its files' rows together, partition values included", async () => {
  const dir = await Deno.makeTempDir({ prefix: "datapress-decode-hive-" });
  await sql(
    `COPY (SELECT i AS id, ['x', 'y'][1 + i % 2] AS s,
      CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 END AS part
    FROM range(900) t(i)) TO '${dir}' (FORMAT parquet, PARTITION_BY (part))`,
  );
  const source = await resolveSource({ name: "t", source: dir });
  assert.ok(source.files.length >= 4);
  const progress: DecodeProgress[] = [];
  const table = await decodeColumns(source, {
    onProgress: (p) => progress.push(p),
  });
  assertLayout(table, source);
  // One slice per file here, read in file order: id and part first, then
  // the string column s; progress counts rows' worth of values.
  const ends = Array.from(table.fileStarts.subarray(1));
  const n = table.rows;
  assert.deepEqual(progress.map((p) => p.rowsRead), [
    ...ends.map((e) => Math.floor(2 * e / 3)),
    ...ends.map((e) => Math.floor((2 * n + e) / 3)),
  ]);
  const types = typesOf(source);
  const c = await db.connect();
  try {
    // Each file's rows sit at fileStarts, in the file's own order.
    for (let i = 0; i < source.files.length; i++) {
      const file = source.files[i]!;
      const from = table.fileStarts[i]!, to = table.fileStarts[i + 1]!;
      const ids = (await c.runAndReadAll(
        `SELECT id FROM read_parquet($1) ORDER BY file_row_number`,
        [file.path],
      )).getColumnsJS()[0]!.map(Number);
      const id = table.columns.find((x) => x.field.name === "id")!;
      assert.deepEqual(
        Array.from((id.values as BigInt64Array).slice(from, to), Number),
        ids,
      );
    }
    await storeDecoded(c, table);
    const got = await textRows(
      c,
      "SELECT * EXCLUDE (__row) FROM decoded",
      types,
    );
    const want = await textRows(
      c,
      `SELECT * FROM read_parquet('${dir}/**/*.parquet', hive_partitioning = true)`,
      types,
    );
    assert.deepEqual(sorted(got), sorted(want));
  } finally {
    c.closeSync();
    await Deno.remove(dir, { recursive: true });
  }
});

const DELTA_TABLES = [
  "primitives",
  "partition-values",
  "timestamp-ntz",
  "checkpoint-corrupt-hint",
  "multi-part-checkpoint",
  "v2-checkpoint-json",
  "v2-checkpoint-parquet",
  "dv-partitioned-with-checkpoint",
  "dv-with-columnmapping",
  "dv-key-cases",
  "column-mapping-id",
  "column-mapping-name",
  "time-travel",
  "vacuum-protocol-check",
  "nested-struct",
  "map",
  "decimals",
  "special-characters",
  "table-with-dv-small",
];

for (const name of DELTA_TABLES) {
  Deno.test(`decode: Delta fixture ${name} gives its expected rows`, async () => {
    const expected: { columns: string[]; rows: (string | null)[][] } = JSON
      .parse(await Deno.readTextFile(`${DELTA}${name}/expected.json`));
    const source = await resolveSource({ name: "t", source: DELTA + name });
    const table = await decodeColumns(source);
    assertLayout(table, source);
    const c = await db.connect();
    try {
      await storeDecoded(c, table);
      const got = await textRows(
        c,
        `SELECT ${
          expected.columns.map((n) => `"${n.replaceAll('"', '""')}"`).join(
            ", ",
          )
        } FROM decoded`,
        new Map(),
      );
      assert.deepEqual(sorted(got), expected.rows);
    } finally {
      c.closeSync();
    }
  });
}

Deno.test("decode: options — dictionary share, onCount refusing, abort", async () => {
  const dir = await Deno.makeTempDir({ prefix: "datapress-decode-opt-" });
  const path = `${dir}/t.parquet`;
  await sql(
    `COPY (SELECT i AS n, 'v' || (i % 40) AS s FROM range(100) t(i))
    TO '${path}' (FORMAT parquet)`,
  );
  const source = await resolveSource({ name: "t", source: path });
  // 40 distinct of 100 rows: a dictionary at the default share, text at 0.3.
  assert.equal(
    (await decodeColumns(source)).columns[1]!.dictionary?.length,
    40,
  );
  const text = await decodeColumns(source, { dictionaryShare: 0.3 });
  assert.equal(text.columns[1]!.dictionary, undefined);
  assert.equal(utf8Cell(text.columns[1]!, 41), "v1");
  assert.equal(
    (await decodeColumns(source, { dictionaryShare: 0 })).columns[1]!
      .dictionary,
    undefined,
  );
  const seen: number[] = [];
  await assert.rejects(
    decodeColumns(source, {
      onCount: (rows) => {
        seen.push(rows);
        throw new Error("too big");
      },
      onProgress: () => assert.fail("read after onCount refused"),
    }),
    /too big/,
  );
  assert.deepEqual(seen, [100]);
  const ac = new AbortController();
  ac.abort(new Error("stopped"));
  await assert.rejects(decodeColumns(source, { signal: ac.signal }), /stopped/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("decode: a file with no rows gives empty columns of the schema's layouts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "datapress-decode-empty-" });
  const path = `${dir}/empty.parquet`;
  await sql(
    `COPY (SELECT * FROM (${EVERY_TYPE}) LIMIT 0) TO '${path}' (FORMAT parquet)`,
  );
  const source = await resolveSource({ name: "t", source: path });
  const table = await decodeColumns(source);
  assertLayout(table, source);
  assert.equal(table.rows, 0);
  assert.deepEqual(Array.from(table.fileStarts), [0, 0]);
  const by = new Map(table.columns.map((c) => [c.field.name, c]));
  assert.ok(by.get("i64")!.values instanceof BigInt64Array);
  assert.ok(by.get("f64")!.values instanceof Float64Array);
  assert.equal(by.get("low")!.dictionary, undefined);
  await Deno.remove(dir, { recursive: true });
});
