/**
 * Footer → Schema: every type DuckDB writes, checked against our expected
 * names and against DuckDB's own DESCRIBE where both must agree; legacy
 * shapes DuckDB cannot write (INT96, 2-level lists, converted-type
 * timestamps) from hand-built schema elements.
 */
import assert from "node:assert/strict";
import type { SchemaElement } from "hyparquet";
import { readFooter } from "../../sources/footer.ts";
import { parquetToSchema } from "../../sources/parquet_schema.ts";
import { typeName } from "../../data/type_name.ts";
import { openDuck, tempDir } from "./_duck.ts";

/** column SQL → our expected type name. */
const COLUMNS: [string, string][] = [
  ["true AS c_bool", "bool"],
  ["1::TINYINT AS c_i8", "int8"],
  ["1::SMALLINT AS c_i16", "int16"],
  ["1::INTEGER AS c_i32", "int32"],
  ["1::BIGINT AS c_i64", "int64"],
  ["1::UTINYINT AS c_u8", "uint8"],
  ["1::USMALLINT AS c_u16", "uint16"],
  ["1::UINTEGER AS c_u32", "uint32"],
  ["1::UBIGINT AS c_u64", "uint64"],
  ["1::FLOAT AS c_f32", "float32"],
  ["1::DOUBLE AS c_f64", "float64"],
  ["1::DECIMAL(4,1) AS c_dec4", "decimal(4,1)"],
  ["1::DECIMAL(9,2) AS c_dec9", "decimal(9,2)"],
  ["1::DECIMAL(18,3) AS c_dec18", "decimal(18,3)"],
  ["1::DECIMAL(38,10) AS c_dec38", "decimal(38,10)"],
  ["'x' AS c_str", "string"],
  ["'x'::BLOB AS c_blob", "binary"],
  ["'{}'::JSON AS c_json", "string"],
  ["'a'::ENUM('a','b') AS c_enum", "string"],
  ["DATE '2024-01-02' AS c_date", "date"],
  ["TIME '01:02:03' AS c_time", "time"],
  ["TIMESTAMP '2024-01-02 03:04:05' AS c_ts", "timestamp[us]"],
  ["TIMESTAMP_MS '2024-01-02 03:04:05' AS c_ts_ms", "timestamp[ms]"],
  ["TIMESTAMP_NS '2024-01-02 03:04:05' AS c_ts_ns", "timestamp[ns]"],
  ["TIMESTAMPTZ '2024-01-02 03:04:05+00' AS c_tstz", "timestamp[us,UTC]"],
  ["[1, 2]::INTEGER[] AS c_list", "list<int32>"],
  ["[['a']] AS c_list2", "list<list<string>>"],
  ["{'a': 1, 'b': 'x'} AS c_struct", "struct<a: int32, b: string>"],
  ["[{'k': 1::BIGINT}] AS c_list_struct", "list<struct<k: int64>>"],
  ["MAP {'a': 1} AS c_map", "map<string,int32>"],
  ["NULL::VARCHAR AS c_null_str", "string"],
];

/** DuckDB's type names for the primitive types both sides must agree on. */
const DUCK: Record<string, string> = {
  BOOLEAN: "bool",
  TINYINT: "int8",
  SMALLINT: "int16",
  INTEGER: "int32",
  BIGINT: "int64",
  UTINYINT: "uint8",
  USMALLINT: "uint16",
  UINTEGER: "uint32",
  UBIGINT: "uint64",
  FLOAT: "float32",
  DOUBLE: "float64",
  VARCHAR: "string",
  BLOB: "binary",
  DATE: "date",
  TIME: "time",
  TIMESTAMP: "timestamp[us]",
  TIMESTAMP_MS: "timestamp[ms]",
  TIMESTAMP_NS: "timestamp[ns]",
  "TIMESTAMP WITH TIME ZONE": "timestamp[us,UTC]",
};

function duckName(t: string): string | undefined {
  if (t.endsWith("[]")) {
    const item = duckName(t.slice(0, -2));
    return item && `list<${item}>`;
  }
  const dec = /^DECIMAL\((\d+),(\d+)\)$/.exec(t);
  if (dec) return `decimal(${dec[1]},${dec[2]})`;
  return DUCK[t];
}

Deno.test("every DuckDB-written type maps as API.md says and as DuckDB reads it", async () => {
  const dir = await tempDir();
  const path = `${dir}/types.parquet`;
  const duck = await openDuck();
  try {
    await duck.run(
      `COPY (SELECT ${
        COLUMNS.map(([sql]) => sql).join(", ")
      }) TO '${path}' (FORMAT parquet)`,
    );
    const schema = parquetToSchema((await readFooter(path)).schema);
    const got = schema.fields.map((f) => [f.name, typeName(f.type)]);
    const want = COLUMNS.map(([sql, t]) => [sql.split(" AS ")[1]!, t]);
    assert.deepEqual(got, want);
    assert.ok(schema.fields.every((f) => f.nullable));
    const described = await duck.rows(
      `DESCRIBE SELECT * FROM read_parquet('${path}')`,
    );
    let compared = 0;
    for (const row of described) {
      const ours = got.find(([n]) => n === row.column_name)?.[1];
      const theirs = duckName(String(row.column_type));
      // JSON/ENUM come back as VARCHAR, nested types are checked above;
      // DuckDB reads millisecond timestamps as microseconds, we keep the unit.
      if (theirs === undefined || row.column_name === "c_ts_ms") continue;
      assert.equal(ours, theirs, `column ${row.column_name}`);
      compared++;
    }
    assert.ok(compared >= 25, `compared only ${compared} columns`);
  } finally {
    duck.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a file that is not parquet is refused by the footer reader", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(`${dir}/x.parquet`, "a,b\n1,2\n3,4\n5,6\n");
    await assert.rejects(() => readFooter(`${dir}/x.parquet`), /magic/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const el = (e: Partial<SchemaElement> & { name: string }): SchemaElement =>
  e as SchemaElement;

function names(elements: SchemaElement[]): [string, string, boolean][] {
  return parquetToSchema([
    el({ name: "root", num_children: countTop(elements) }),
    ...elements,
  ]).fields.map((f) => [f.name, typeName(f.type), f.nullable]);
}

/** Top-level children of a flattened list (skipping descendants). */
function countTop(elements: SchemaElement[]): number {
  let n = 0;
  for (let i = 0; i < elements.length; n++) i = skip(elements, i);
  return n;
}

function skip(elements: SchemaElement[], i: number): number {
  const kids = elements[i]!.num_children ?? 0;
  let j = i + 1;
  for (let k = 0; k < kids; k++) j = skip(elements, j);
  return j;
}

Deno.test("legacy physical and converted types", () => {
  assert.deepEqual(
    names([
      el({ name: "i96", type: "INT96", repetition_type: "OPTIONAL" }),
      el({
        name: "ms",
        type: "INT64",
        repetition_type: "OPTIONAL",
        converted_type: "TIMESTAMP_MILLIS",
      }),
      el({
        name: "us",
        type: "INT64",
        repetition_type: "REQUIRED",
        converted_type: "TIMESTAMP_MICROS",
      }),
      el({
        name: "ntz",
        type: "INT64",
        repetition_type: "OPTIONAL",
        logical_type: {
          type: "TIMESTAMP",
          isAdjustedToUTC: false,
          unit: "NANOS",
        },
      }),
      el({ name: "raw", type: "BYTE_ARRAY", repetition_type: "OPTIONAL" }),
      el({
        name: "utf8",
        type: "BYTE_ARRAY",
        repetition_type: "OPTIONAL",
        converted_type: "UTF8",
      }),
      el({
        name: "fixed_dec",
        type: "FIXED_LEN_BYTE_ARRAY",
        repetition_type: "OPTIONAL",
        converted_type: "DECIMAL",
        precision: 20,
        scale: 4,
      }),
      el({
        name: "half",
        type: "FIXED_LEN_BYTE_ARRAY",
        repetition_type: "OPTIONAL",
        logical_type: { type: "FLOAT16" },
      }),
      el({
        name: "u16",
        type: "INT32",
        repetition_type: "OPTIONAL",
        converted_type: "UINT_16",
      }),
      el({ name: "rep", type: "INT32", repetition_type: "REPEATED" }),
    ]),
    [
      ["i96", "timestamp[ns]", true],
      ["ms", "timestamp[ms,UTC]", true],
      ["us", "timestamp[us,UTC]", false],
      ["ntz", "timestamp[ns]", true],
      ["raw", "binary", true],
      ["utf8", "string", true],
      ["fixed_dec", "decimal(20,4)", true],
      ["half", "float32", true],
      ["u16", "uint16", true],
      ["rep", "list<int32>", false],
    ],
  );
});

Deno.test("lists: 3-level, legacy 2-level, array/_tuple wrappers; maps", () => {
  const list = (name: string, ...inner: SchemaElement[]) => [
    el({
      name,
      repetition_type: "OPTIONAL",
      converted_type: "LIST",
      num_children: 1,
    }),
    ...inner,
  ];
  assert.deepEqual(
    names([
      ...list(
        "three",
        el({ name: "list", repetition_type: "REPEATED", num_children: 1 }),
        el({ name: "element", type: "INT64", repetition_type: "OPTIONAL" }),
      ),
      ...list(
        "two",
        el({ name: "item", type: "INT32", repetition_type: "REPEATED" }),
      ),
      ...list(
        "array_wrap",
        el({ name: "array", repetition_type: "REPEATED", num_children: 1 }),
        el({ name: "x", type: "DOUBLE", repetition_type: "REQUIRED" }),
      ),
      ...list(
        "tuple_wrap",
        el({
          name: "tuple_wrap_tuple",
          repetition_type: "REPEATED",
          num_children: 1,
        }),
        el({ name: "x", type: "BOOLEAN", repetition_type: "REQUIRED" }),
      ),
      ...list(
        "multi",
        el({ name: "pair", repetition_type: "REPEATED", num_children: 2 }),
        el({ name: "a", type: "INT32", repetition_type: "REQUIRED" }),
        el({
          name: "b",
          type: "BYTE_ARRAY",
          repetition_type: "OPTIONAL",
          converted_type: "UTF8",
        }),
      ),
      el({
        name: "m",
        repetition_type: "OPTIONAL",
        converted_type: "MAP",
        num_children: 1,
      }),
      el({ name: "key_value", repetition_type: "REPEATED", num_children: 2 }),
      el({
        name: "key",
        type: "BYTE_ARRAY",
        repetition_type: "REQUIRED",
        converted_type: "UTF8",
      }),
      el({ name: "value", type: "INT64", repetition_type: "OPTIONAL" }),
    ]),
    [
      ["three", "list<int64>", true],
      ["two", "list<int32>", true],
      ["array_wrap", "list<struct<x: float64>>", true],
      ["tuple_wrap", "list<struct<x: bool>>", true],
      ["multi", "list<struct<a: int32, b: string>>", true],
      ["m", "map<string,int64>", true],
    ],
  );
});
