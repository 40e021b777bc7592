/**
 * The index build runs in slices of STEP_ROWS rows (steps.ts) with state
 * carried between them: hash tables that grow, value ranges, first rows,
 * fill positions. Each column kind is built over several slices and every
 * value's rows are checked against a plain scan, so state dropped at a
 * slice boundary shows as wrong or missing rows.
 */
import assert from "node:assert/strict";
import type { Field, Scalar } from "../../../data/types.ts";
import type { StoredColumn } from "../../../engines/memory/columns.ts";
import { lookup } from "../../../engines/memory/index.ts";
import { buildIndex, indexSteps } from "../../../engines/memory/index_build.ts";
import { STEP_ROWS } from "../../../engines/memory/steps.ts";

const N = 3 * STEP_ROWS + 1234;
const isNull = (r: number) => r % 97 === 5;

function column(field: Field, values: StoredColumn["values"]): StoredColumn {
  const valid = Uint8Array.from({ length: N }, (_, r) => isNull(r) ? 0 : 1);
  return { field, values, valid };
}

function utf8Column(text: (r: number) => string): StoredColumn {
  const enc = new TextEncoder();
  const parts = Array.from({ length: N }, (_, r) => enc.encode(text(r)));
  const offsets = new Int32Array(N + 1);
  parts.forEach((p, r) => offsets[r + 1] = offsets[r]! + p.length);
  const bytes = new Uint8Array(offsets[N]!);
  parts.forEach((p, r) => bytes.set(p, offsets[r]!));
  return column({ name: "c", type: { kind: "string" }, nullable: true }, {
    bytes,
    offsets,
  });
}

/** Each kind with its row values; distinct values keep arriving in later slices. */
const cases: {
  name: string;
  col: StoredColumn;
  value: (r: number) => Scalar;
}[] = [
  {
    name: "narrow integers (a table by value)",
    col: column(
      {
        name: "c",
        type: { kind: "int", bits: 32, signed: true },
        nullable: true,
      },
      Int32Array.from({ length: N }, (_, r) => (r * 7) % 1009 - 500),
    ),
    value: (r) => (r * 7) % 1009 - 500,
  },
  {
    name: "doubles (a hash of their words)",
    col: column(
      { name: "c", type: { kind: "float", bits: 64 }, nullable: true },
      Float64Array.from({ length: N }, (_, r) => Math.floor(r / 37) * 0.25),
    ),
    value: (r) => Math.floor(r / 37) * 0.25,
  },
  {
    name: "64-bit integers (a hash of their words)",
    col: column(
      {
        name: "c",
        type: { kind: "int", bits: 64, signed: true },
        nullable: true,
      },
      BigInt64Array.from(
        { length: N },
        (_, r) => BigInt(Math.floor(r / 41)) - 2000n,
      ),
    ),
    value: (r) => BigInt(Math.floor(r / 41)) - 2000n,
  },
  {
    name: "dictionary codes (a counting sort)",
    col: {
      ...column(
        { name: "c", type: { kind: "string" }, nullable: true },
        Int16Array.from(
          { length: N },
          (_, r) => isNull(r) ? -1 : (r * 13) % 300,
        ),
      ),
      dict: Array.from(
        { length: 300 },
        (_, i) => `d${String(i).padStart(3, "0")}`,
      ),
    },
    value: (r) => `d${String((r * 13) % 300).padStart(3, "0")}`,
  },
  {
    name: "strings as bytes (a growing hash of their bytes)",
    col: utf8Column((r) => `s${Math.floor(r / 29)}`),
    value: (r) => `s${Math.floor(r / 29)}`,
  },
];

for (const { name, col, value } of cases) {
  Deno.test(`index in slices: ${name}`, () => {
    const steps = indexSteps(col, N, 100_000);
    let pauses = 0;
    let step = steps.next();
    while (!step.done) {
      pauses++;
      step = steps.next();
    }
    const index = step.value!;
    assert.ok(pauses >= 3, `${pauses} pauses over ${N} rows`);
    assert.deepEqual(buildIndex(col, N, 100_000), index);
    // Keyed by type and text: 5 and 5n are different values.
    const expected = new Map<string, { v: Scalar; rows: number[] }>();
    for (let r = 0; r < N; r++) {
      if (isNull(r)) continue;
      const v = value(r);
      const key = `${typeof v}:${v}`;
      const entry = expected.get(key) ?? { v, rows: [] };
      entry.rows.push(r);
      expected.set(key, entry);
    }
    let indexed = 0;
    for (const { v, rows } of expected.values()) {
      assert.deepEqual([...lookup(index, col, [v])], rows, `rows of ${v}`);
      indexed += rows.length;
    }
    assert.equal(index.rows.length, indexed);
  });
}

Deno.test("index in slices: too many values past the first slice gives no index", () => {
  // One value through the first slice, then a new one every row.
  const v = (r: number) => r < STEP_ROWS ? 0 : r;
  const ints = column(
    {
      name: "c",
      type: { kind: "int", bits: 32, signed: true },
      nullable: true,
    },
    Int32Array.from({ length: N }, (_, r) => v(r)),
  );
  assert.equal(buildIndex(ints, N, 1000), null);
  const doubles = column(
    { name: "c", type: { kind: "float", bits: 64 }, nullable: true },
    Float64Array.from({ length: N }, (_, r) => v(r) + 0.5),
  );
  assert.equal(buildIndex(doubles, N, 1000), null);
  assert.equal(buildIndex(utf8Column((r) => `s${v(r)}`), N, 1000), null);
});
