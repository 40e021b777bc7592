/**
 * Which statistics sources/statistics.ts distrusts: a table of writers and
 * column kinds (footers as plain data), the apache/parquet-testing corpus,
 * and files written as old parquet-mr wrote them.
 */
import assert from "node:assert/strict";
import type { FileMetaData, SchemaElement, Statistics } from "hyparquet";
import { unreliableStatistics } from "../../sources/statistics.ts";
import { resolveSource } from "../../sources/resolve.ts";
import { writeLegacyStats } from "./_legacy_stats.ts";

/** A one-column footer: `leaf` with `stats` in one row group. */
function footer(
  leaf: SchemaElement,
  stats: Statistics,
  createdBy?: string,
): FileMetaData {
  return {
    version: 1,
    schema: [{ name: "root", num_children: 1 }, leaf],
    num_rows: 1n,
    row_groups: [{
      columns: [{
        file_offset: 0n,
        meta_data: {
          type: leaf.type!,
          encodings: [],
          path_in_schema: [leaf.name],
          codec: "UNCOMPRESSED",
          num_values: 1n,
          total_uncompressed_size: 0n,
          total_compressed_size: 0n,
          data_page_offset: 0n,
          statistics: stats,
        },
      }],
      total_byte_size: 0n,
      num_rows: 1n,
    }],
    created_by: createdBy,
    metadata_length: 0,
  } as FileMetaData;
}

const MR_1_9 = "parquet-mr version 1.9.0 (build abc)";
const utf8: SchemaElement = {
  name: "c",
  type: "BYTE_ARRAY",
  converted_type: "UTF8",
};
const flbaDecimal: SchemaElement = {
  name: "c",
  type: "FIXED_LEN_BYTE_ARRAY",
  type_length: 11,
  converted_type: "DECIMAL",
  precision: 25,
  scale: 2,
};
const int32: SchemaElement = { name: "c", type: "INT32" };
const uint32: SchemaElement = {
  name: "c",
  type: "INT32",
  converted_type: "UINT_32",
};

Deno.test("statistics: which writers' min/max are distrusted", () => {
  const cases: [
    string,
    SchemaElement,
    Statistics,
    string | undefined,
    boolean,
  ][] = [
    ["legacy int32, old parquet-mr", int32, { min: 1, max: 9 }, MR_1_9, true],
    ["legacy uint32", uint32, { min: 1, max: 9 }, MR_1_9, false],
    ["legacy uint32, one value", uint32, { min: 4, max: 4 }, MR_1_9, true],
    ["legacy utf8", utf8, { min: "a", max: "é" }, MR_1_9, false],
    ["legacy utf8, one value", utf8, { min: "a", max: "a" }, MR_1_9, true],
    [
      "legacy utf8, one value, before PARQUET-251",
      utf8,
      { min: "a", max: "a" },
      "parquet-mr version 1.7.0 (build x)",
      false,
    ],
    [
      "legacy utf8, no created_by",
      utf8,
      { min: "a", max: "a" },
      undefined,
      false,
    ],
    ["legacy FLBA decimal", flbaDecimal, { min: 2, max: 24 }, MR_1_9, false],
    [
      "legacy FLBA decimal, one value",
      flbaDecimal,
      { min: 2, max: 2 },
      MR_1_9,
      false,
    ],
    [
      "typed utf8, parquet-mr 1.10",
      utf8,
      { min_value: "a", max_value: "é" },
      "parquet-mr version 1.10.0 (build x)",
      true,
    ],
    [
      "typed utf8, no created_by",
      utf8,
      { min_value: "a", max_value: "é" },
      undefined,
      true,
    ],
    [
      "typed FLBA decimal, arrow 3",
      flbaDecimal,
      { min_value: 1, max_value: 2 },
      "parquet-cpp-arrow version 3.0.0",
      false,
    ],
    [
      "typed FLBA decimal, arrow 4",
      flbaDecimal,
      { min_value: 1, max_value: 2 },
      "parquet-cpp-arrow version 4.0.0",
      true,
    ],
    [
      "typed FLBA decimal, parquet-cpp",
      flbaDecimal,
      { min_value: 1, max_value: 2 },
      "parquet-cpp version 1.5.1-SNAPSHOT",
      false,
    ],
    [
      "INT96",
      { name: "c", type: "INT96" },
      { min_value: new Uint8Array(12), max_value: new Uint8Array(12) },
      "impala version 1.3.0",
      false,
    ],
    ["null count only", utf8, { null_count: 3n }, MR_1_9, true],
  ];
  for (const [name, leaf, stats, createdBy, trusted] of cases) {
    assert.deepEqual(
      unreliableStatistics(footer(leaf, stats, createdBy)),
      trusted ? [] : ["c"],
      name,
    );
  }
});

Deno.test("statistics: the apache/parquet-testing files whose statistics are distrusted", async () => {
  const dir = new URL("../fixtures/parquet/", import.meta.url).pathname;
  const marked: Record<string, string[]> = {};
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".parquet")) continue;
    const source = await resolveSource({ name: "t", source: dir + entry.name });
    const columns = source.files[0]!.unreliableStats;
    if (columns) marked[entry.name] = columns;
  }
  // parquet-mr 1.8: byte-array min/max by signed bytes (strings with
  // different min and max, decimals); parquet-mr ≥ 1.10, Arrow and
  // parquet-rs files keep their statistics.
  assert.deepEqual(marked, {
    "fixed_length_decimal.parquet": ["value"],
    "nested_lists.snappy.parquet": ["a"],
    "nested_maps.snappy.parquet": ["a"],
    "nullable.impala.parquet": ["int_map", "int_Map_Array", "nested_struct"],
  });
});

Deno.test("statistics: a file written as parquet-mr 1.9 wrote strings and unsigned ints", async () => {
  const path = `${await Deno.makeTempDir()}/legacy.parquet`;
  await writeLegacyStats(path, [
    {
      element: { ...utf8, name: "s", repetition_type: "OPTIONAL" },
      data: ["a", "é", "b", "c", null, "zz"],
    },
    {
      element: { ...uint32, name: "u", repetition_type: "OPTIONAL" },
      data: [1, 3_000_000_000, 2, 3, 4, 5],
    },
    {
      element: { ...int32, name: "i", repetition_type: "OPTIONAL" },
      data: [1, 2, 3, 4, 5, 6],
    },
  ], 2);
  const source = await resolveSource({ name: "t", source: path });
  assert.deepEqual(source.files[0]!.unreliableStats, ["s", "u"]);
});
