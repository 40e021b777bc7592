/**
 * Equality indexes: value → sorted row ids, stored CSR-style (one offsets
 * array, one row-id array) so an index costs two Int32Arrays per column.
 */
import type { Decimal, Scalar } from "../../query/types.ts";
import type { StoredColumn } from "./columns.ts";
import { rowKey } from "./compare.ts";

export interface EqIndex {
  /** Key → slot; null for a dictionary column, whose code is its slot. */
  slots: Map<number | bigint | string, number> | null;
  offsets: Int32Array;
  rows: Int32Array;
}

/** Builds the index, or returns null when the column has more than `maxCardinality` distinct values. */
export function buildIndex(
  col: StoredColumn,
  n: number,
  maxCardinality: number,
): EqIndex | null {
  const t = col.field.type;
  if (t.kind === "list" || t.kind === "struct" || t.kind === "map") return null;
  if (col.dict) {
    return col.dict.length > maxCardinality
      ? null
      : codeIndex(col.values as Int32Array, col.dict.length);
  }
  const key = rowKey(col);
  const slots = new Map<number | bigint | string, number>();
  const slotOf = new Int32Array(n);
  const counts: number[] = [];
  for (let r = 0; r < n; r++) {
    if (col.valid && !col.valid[r]) {
      slotOf[r] = -1;
      continue;
    }
    const k = key(r);
    let s = slots.get(k);
    if (s === undefined) {
      if (slots.size >= maxCardinality) return null;
      s = slots.size;
      slots.set(k, s);
      counts.push(0);
    }
    counts[s]!++;
    slotOf[r] = s;
  }
  return { slots, ...bucketRows(slotOf, counts) };
}

/** A dictionary column's index: a counting sort of its codes (-1 = null). */
function codeIndex(codes: Int32Array, size: number): EqIndex {
  const counts = new Int32Array(size);
  for (let r = 0; r < codes.length; r++) {
    const c = codes[r]!;
    if (c >= 0) counts[c]!++;
  }
  return { slots: null, ...bucketRows(codes, counts) };
}

/** CSR layout: rows of slot s are rows[offsets[s]..offsets[s+1]], ascending. */
function bucketRows(
  slotOf: Int32Array,
  counts: ArrayLike<number>,
): { offsets: Int32Array; rows: Int32Array } {
  const offsets = new Int32Array(counts.length + 1);
  for (let s = 0; s < counts.length; s++) {
    offsets[s + 1] = offsets[s]! + counts[s]!;
  }
  const fill = offsets.slice(0, counts.length);
  const rows = new Int32Array(offsets[counts.length]!);
  for (let r = 0; r < slotOf.length; r++) {
    const s = slotOf[r]!;
    if (s >= 0) rows[fill[s]!++] = r;
  }
  return { offsets, rows };
}

/** The index key of a constant, or undefined when no row can hold it. */
function constKey(
  col: StoredColumn,
  v: Scalar,
): number | bigint | string | undefined {
  if (col.codeOf) return col.codeOf.get(v as string);
  const t = col.field.type;
  if (t.kind === "string") return v as string;
  if (t.kind === "binary") return (v as Uint8Array).join(",");
  if (t.kind === "bool") return v ? 1 : 0;
  if (t.kind === "float" && t.bits === 32) return Math.fround(v as number);
  if (t.kind === "decimal") {
    // The column stores unscaled integers at its own scale.
    const d = v as Decimal;
    if (d.scale <= t.scale) {
      return d.unscaled * 10n ** BigInt(t.scale - d.scale);
    }
    const div = 10n ** BigInt(d.scale - t.scale);
    return d.unscaled % div === 0n ? d.unscaled / div : undefined;
  }
  return v as number | bigint;
}

/** Sorted row ids whose value equals any of `values`. */
export function lookup(
  index: EqIndex,
  col: StoredColumn,
  values: Scalar[],
): Int32Array {
  const parts: Int32Array[] = [];
  const seen = new Set<number>();
  for (const v of values) {
    const k = constKey(col, v);
    const s = k === undefined
      ? undefined
      : index.slots === null
      ? k as number
      : index.slots.get(k);
    if (s === undefined || seen.has(s)) continue;
    seen.add(s);
    parts.push(index.rows.subarray(index.offsets[s]!, index.offsets[s + 1]!));
  }
  if (parts.length === 1) return parts[0]!;
  const total = parts.reduce((a, p) => a + p.length, 0);
  const out = new Int32Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out.sort();
}

/** Rows present in both sorted lists. */
export function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(Math.min(a.length, b.length));
  let i = 0, j = 0, k = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out[k++] = a[i]!;
      i++;
      j++;
    }
  }
  return out.subarray(0, k);
}
