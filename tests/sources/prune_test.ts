import assert from "node:assert/strict";
import type { DataType } from "../../data/types.ts";
import type { PlanPredicate } from "../../query/types.ts";
import { pruneFiles } from "../../sources/prune.ts";
import type { ResolvedSource } from "../../sources/types.ts";

const I64: DataType = { kind: "int", bits: 64, signed: true };
const STR: DataType = { kind: "string" };
const DATE: DataType = { kind: "date" };

/** Files named by their partition values: year, state, day. */
const source: ResolvedSource = {
  format: "parquet",
  files: [
    [2023n, "TX", 0],
    [2024n, "tx", 1],
    [2024n, null, 2],
    [null, "CA", null],
  ].map(([year, state, day], i) => ({
    path: `/f${i}.parquet`,
    size: 1,
    partitionValues: { year, state, day } as never,
  })),
  schema: { fields: [] },
  partitionColumns: [
    { name: "year", type: I64, nullable: true },
    { name: "state", type: STR, nullable: true },
    { name: "day", type: DATE, nullable: true },
  ],
  fingerprint: "",
  sourceVersion: null,
};

const kept = (...filters: PlanPredicate[]) =>
  pruneFiles(source, filters).map((f) => Number(f.path.slice(2, 3)));

Deno.test("pruning by partition values with SQL null semantics", () => {
  assert.deepEqual(kept(), [0, 1, 2, 3]);
  assert.deepEqual(kept({ col: "year", type: I64, op: "eq", value: 2024n }), [
    1,
    2,
  ]);
  assert.deepEqual(kept({ col: "year", type: I64, op: "neq", value: 2024n }), [
    0,
  ]);
  assert.deepEqual(kept({ col: "year", type: I64, op: "lt", value: 2024n }), [
    0,
  ]);
  assert.deepEqual(kept({ col: "year", type: I64, op: "lte", value: 2024n }), [
    0,
    1,
    2,
  ]);
  assert.deepEqual(kept({ col: "year", type: I64, op: "gt", value: 2023n }), [
    1,
    2,
  ]);
  assert.deepEqual(
    kept({ col: "year", type: I64, op: "gte", value: 2025n }),
    [],
  );
  assert.deepEqual(kept({ col: "year", type: I64, op: "is_null" }), [3]);
  assert.deepEqual(kept({ col: "year", type: I64, op: "is_not_null" }), [
    0,
    1,
    2,
  ]);
  assert.deepEqual(
    kept({ col: "state", type: STR, op: "in", values: ["TX", "CA"] }),
    [0, 3],
  );
  assert.deepEqual(
    kept({ col: "state", type: STR, op: "like", pattern: "T%" }),
    [0],
  );
  assert.deepEqual(
    kept({ col: "state", type: STR, op: "ilike", pattern: "t_" }),
    [0, 1],
  );
  assert.deepEqual(kept({ col: "state", type: STR, op: "neq", value: "TX" }), [
    1,
    3,
  ]);
  assert.deepEqual(kept({ col: "day", type: DATE, op: "gte", value: 1 }), [
    1,
    2,
  ]);
  // Every filter must hold; filters on file columns never prune.
  assert.deepEqual(
    kept(
      { col: "year", type: I64, op: "eq", value: 2024n },
      { col: "state", type: STR, op: "is_not_null" },
      { col: "other", type: I64, op: "eq", value: 1n },
    ),
    [1],
  );
});
