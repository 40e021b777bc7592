/** The pure parts of the column profile: bin edges, bin counting, the distinct sketch and the answer cache. */
import assert from "node:assert/strict";
import type { ColumnVector, DataType } from "../../data/types.ts";
import { bins } from "../../server/profile/bins.ts";
import { ProfileCache } from "../../server/profile/cache.ts";
import { DistinctSketch } from "../../server/profile/distinct.ts";
import { BinCounter } from "../../server/profile/histogram.ts";

const INT8: DataType = { kind: "int", bits: 8, signed: true };
const INT64: DataType = { kind: "int", bits: 64, signed: true };
const F64: DataType = { kind: "float", bits: 64 };
const F32: DataType = { kind: "float", bits: 32 };

function column(type: DataType, values: ColumnVector["values"]): ColumnVector {
  return { field: { name: "c", type, nullable: true }, values, valid: null };
}

Deno.test("bins: whole units for integer types, 20 equal steps for floats", () => {
  assert.deepEqual(bins(INT8, 1, 4), {
    cuts: [2, 3, 4],
    bounds: Float64Array.from([1, 2, 2, 3, 3, 4, 4, 4]),
  });
  // 0..99: 100 values in 20 bins of 5.
  const b = bins(INT8, 0, 99);
  assert.equal(b.cuts.length, 19);
  assert.deepEqual(b.cuts.slice(0, 3), [5, 10, 15]);
  // 0..20: 21 values, bins of 2, so 11 bins, the last [20, 20].
  const odd = bins(INT8, 0, 20);
  assert.equal(odd.cuts.length, 10);
  assert.deepEqual([...odd.bounds].slice(-2), [20, 20]);
  // int64 beyond 2^53 stays exact.
  const big = bins(INT64, 9007199254740993n, 9007199254741012n);
  assert.deepEqual(big.cuts[0], 9007199254740994n);
  assert.ok(big.bounds instanceof BigInt64Array);
  // A constant column: one bin.
  assert.deepEqual(bins(F64, 2.5, 2.5), {
    cuts: [],
    bounds: Float64Array.from([2.5, 2.5]),
  });
  const f = bins(F64, -20, 53.5);
  assert.equal(f.cuts.length, 19);
  assert.equal(f.cuts[0], -16.325);
  // A range wider than the largest float does not overflow.
  const wide = bins(F64, -1.7e308, 1.7e308);
  assert.ok((wide.cuts as number[]).every(Number.isFinite));
  // float32 edges are float32 values.
  const f32 = bins(F32, 0, 1);
  for (const c of f32.cuts as number[]) assert.equal(Math.fround(c), c);
});

Deno.test("bin counter: exact edges, NaN and infinities in the end bins, nulls nowhere", () => {
  const counter = new BinCounter(bins(F64, 0, 10));
  counter.addColumn(
    {
      ...column(
        F64,
        Float64Array.from([0, 0.25, 9.999, 10, NaN, -Infinity, Infinity, 7]),
      ),
      valid: Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 0]),
    },
    8,
  );
  assert.equal(counter.counts.length, 20);
  assert.equal(counter.counts[0], 3); // 0, 0.25, -Infinity
  assert.equal(counter.counts[19], 4); // 9.999, 10, NaN, Infinity
  assert.equal(counter.counts.reduce((a, b) => a + b), 7);
  const ints = new BinCounter(bins(INT64, 0n, 3n));
  ints.addColumn(column(INT64, BigInt64Array.from([0n, 1n, 1n, 3n])), 4);
  assert.deepEqual(ints.counts, [1, 2, 0, 1]);
});

Deno.test("distinct sketch: exact up to 10,000, then within 2 %, independent of order", () => {
  const small = new DistinctSketch();
  small.addColumn(
    column(F64, Float64Array.from([1, 1, 2, -0, 0, NaN, NaN])),
    7,
  );
  assert.equal(small.estimate(), 4);
  for (const n of [20_000, 300_000]) {
    const a = new DistinctSketch();
    const b = new DistinctSketch();
    const values = Float64Array.from({ length: n }, (_, i) => i * 1.5);
    a.addColumn(column(F64, values), n);
    b.addColumn(column(F64, values.slice().reverse()), n);
    assert.equal(a.estimate(), b.estimate());
    assert.ok(Math.abs(a.estimate() - n) < n * 0.02, `${a.estimate()} of ${n}`);
  }
  const text = new DistinctSketch();
  text.addColumn(
    column(
      { kind: "string" },
      Array.from({ length: 50_000 }, (_, i) => `v${i % 25_000}`),
    ),
    50_000,
  );
  assert.ok(Math.abs(text.estimate() - 25_000) < 500, `${text.estimate()}`);
});

Deno.test("profile cache: the most recently used answers, at most max", () => {
  const c = new ProfileCache(2);
  c.set(ProfileCache.key("a", 1, "x"), "1");
  c.set(ProfileCache.key("a", 1, "y"), "2");
  assert.equal(c.get(ProfileCache.key("a", 1, "x")), "1");
  c.set(ProfileCache.key("a", 2, "x"), "3");
  assert.equal(c.size, 2);
  assert.equal(
    c.get(ProfileCache.key("a", 1, "y")),
    undefined,
    "least recent went",
  );
  assert.equal(c.get(ProfileCache.key("a", 1, "x")), "1");
});
