/** Selected rows of stored columns → the ColumnVector layout of a result. */
import type { ColumnVector, Field, NestedValue } from "../../data/types.ts";
import { type StoredColumn, utf8Of } from "./columns.ts";
import { type Utf8Column, utf8Text } from "./utf8.ts";

type Indexable = { length: number; [i: number]: unknown };

export function gather(
  col: StoredColumn,
  rows: ArrayLike<number>,
  field: Field = col.field,
): ColumnVector {
  const n = rows.length;
  let valid: Uint8Array | null = null;
  if (col.valid) {
    valid = new Uint8Array(n);
    let any = false;
    for (let i = 0; i < n; i++) {
      const ok = rows[i]! >= 0 ? col.valid[rows[i]!]! : 0;
      valid[i] = ok;
      if (!ok) any = true;
    }
    if (!any) valid = null;
  }
  if (col.dict) {
    const codes = col.values as Int32Array;
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const c = rows[i]! >= 0 ? codes[rows[i]!]! : -1;
      out[i] = c >= 0 ? col.dict[c]! : "";
    }
    return { field, values: out, valid };
  }
  const u = utf8Of(col);
  if (u) return { field, values: gatherText(u, rows), valid };
  const src = col.values as unknown as Indexable;
  if (src instanceof Float64Array) {
    return { field, values: gatherFloat64(src, rows), valid };
  }
  if (src instanceof BigInt64Array) {
    return { field, values: gatherBigInt64(src, rows), valid };
  }
  if (ArrayBuffer.isView(src)) {
    const Ctor =
      (src as unknown as { constructor: new (n: number) => Indexable })
        .constructor;
    const out = new Ctor(n);
    for (let i = 0; i < n; i++) if (rows[i]! >= 0) out[i] = src[rows[i]!];
    return { field, values: out as unknown as ColumnVector["values"], valid };
  }
  const out = new Array<NestedValue>(n);
  for (let i = 0; i < n; i++) {
    out[i] = rows[i]! >= 0 ? src[rows[i]!] as NestedValue : null;
  }
  return { field, values: out as ColumnVector["values"], valid };
}

/** Result pages are small: their strings are made here, row by row. */
function gatherText(u: Utf8Column, rows: ArrayLike<number>): string[] {
  const out = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    out[i] = rows[i]! >= 0 ? utf8Text(u, rows[i]!) : "";
  }
  return out;
}

// The most common layouts get their own loops: one loop over every typed
// array kind is megamorphic and several times slower per value.
function gatherFloat64(
  src: Float64Array,
  rows: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r >= 0) out[i] = src[r]!;
  }
  return out;
}

function gatherBigInt64(
  src: BigInt64Array,
  rows: ArrayLike<number>,
): BigInt64Array {
  // Copied as 32-bit halves: reading a BigInt64Array element allocates.
  const from = new Int32Array(src.buffer, src.byteOffset, src.length * 2);
  const out = new BigInt64Array(rows.length);
  const to = new Int32Array(out.buffer);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r >= 0) {
      to[2 * i] = from[2 * r]!;
      to[2 * i + 1] = from[2 * r + 1]!;
    }
  }
  return out;
}
