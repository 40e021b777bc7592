/**
 * Validity is allocated only when a column has a null: a column without one
 * comes back with `valid: null`, and one whose first null sits in a later
 * vector keeps every earlier row valid, as does a vector with no validity
 * mask after it. Checked on each kind of sink the decode uses: fixed-width
 * values, strings as bytes, dictionary codes.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { decodeColumns } from "../../../engines/duckdb/mod.ts";
import { resolveSource } from "../../../sources/resolve.ts";

Deno.test("validity: none without nulls, exact around a late first null", async () => {
  const dir = await Deno.makeTempDir({ prefix: "datapress-validity-" });
  const path = `${dir}/t.parquet`;
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  // Nulls only at rows 5000 and 5001 (the third 2,048-row vector); the
  // vectors after them have no null, so DuckDB sends them without a mask.
  const nullAt = "CASE WHEN i IN (5000, 5001) THEN NULL ELSE";
  await c.run(`COPY (SELECT i::INTEGER AS n, ${nullAt} i::INTEGER END AS late_n,
      ${nullAt} 'u' || i END AS late_s, ${nullAt} ['a', 'b'][1 + i % 2] END AS late_d,
      'u' || i AS s, ['a', 'b'][1 + i % 2] AS d
    FROM range(10000) t(i)) TO '${path}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  const table = await decodeColumns(
    await resolveSource({ name: "t", source: path }),
  );
  const byName = new Map(table.columns.map((col) => [col.field.name, col]));
  for (const name of ["n", "s", "d"]) {
    assert.equal(byName.get(name)!.valid, null, name);
  }
  assert.ok(byName.get("late_d")!.dictionary, "late_d is dictionary-encoded");
  assert.equal(byName.get("late_s")!.dictionary, undefined);
  for (const name of ["late_n", "late_s", "late_d"]) {
    const valid = byName.get(name)!.valid!;
    assert.equal(valid.length, 10000, name);
    const nulls = [...valid.keys()].filter((r) => valid[r] !== 1);
    assert.deepEqual(nulls, [5000, 5001], name);
  }
  await Deno.remove(dir, { recursive: true });
});
