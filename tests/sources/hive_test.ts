import assert from "node:assert/strict";
import {
  hiveSegments,
  partitionType,
  typePartitions,
} from "../../sources/hive.ts";
import { typeName } from "../../data/type_name.ts";

Deno.test("hive segments: decoding and the null partition", () => {
  assert.deepEqual(hiveSegments("year=2024/state=a%2Fb/part-0.parquet"), [
    ["year", "2024"],
    ["state", "a/b"],
  ]);
  assert.deepEqual(
    hiveSegments("k=__HIVE_DEFAULT_PARTITION__/plain/x=100%/f.parquet"),
    [["k", null], ["x", "100%"]],
  );
  assert.deepEqual(hiveSegments("f=1.parquet"), []);
});

Deno.test("partition typing", () => {
  const t = (vs: string[]) => typeName(partitionType(vs));
  assert.equal(t(["1", "-2", "007"]), "int64");
  assert.equal(t(["9223372036854775807"]), "int64");
  assert.equal(t(["9223372036854775808"]), "string");
  assert.equal(t(["1", "x"]), "string");
  assert.equal(t(["1.5"]), "string");
  assert.equal(t(["2024-01-31", "2024-02-29"]), "date");
  assert.equal(t(["2023-02-29"]), "string");
  assert.equal(t(["2024-13-01"]), "string");
  assert.equal(t([]), "string");
});

Deno.test("typed values in the Scalar layout; all-null column", () => {
  const p = typePartitions([
    [["y", "2024"], ["d", "1970-01-02"], ["s", null]],
    [["y", null], ["d", "2000-01-01"], ["s", null]],
  ]);
  assert.ok(!("mismatch" in p));
  assert.deepEqual(
    p.fields.map((f) => [f.name, typeName(f.type), f.nullable]),
    [
      ["y", "int64", true],
      ["d", "date", true],
      ["s", "string", true],
    ],
  );
  assert.deepEqual(p.values, [
    { y: 2024n, d: 1, s: null },
    { y: null, d: 10957, s: null },
  ]);
  assert.deepEqual(
    typePartitions([[["a", "1"], ["b", "2"]], [["b", "2"], ["a", "1"]]]),
    { mismatch: 1 },
  );
});
