/**
 * Equality indexes: value → sorted row ids, stored CSR-style (one offsets
 * array, one row-id array) so an index costs two Int32Arrays per column.
 */
import type { Decimal, Scalar } from "../../data/types.ts";
import { dictCode, type StoredColumn, utf8Of } from "./columns.ts";
import { rowComparator, rowKey } from "./compare.ts";
import { type Utf8Column, utf8ConstComparator, utf8Ids } from "./utf8.ts";

export interface EqIndex {
  /**
   * Key → slot; null for a dictionary column, whose code is its slot, and
   * for a bytes column, whose slots `firstRows` finds.
   */
  slots: Map<number | bigint | string, number> | null;
  /** Bytes columns: each slot's first row, slots in byte order (binary search). */
  firstRows?: Int32Array;
  offsets: Int32Array;
  rows: Int32Array;
}

/** Integer ranges up to this wide are bucketed by value without hashing. */
const MAX_DENSE = 1 << 22;

/**
 * Builds the index, or returns null when the column has more than
 * `maxCardinality` distinct values. `scratch` (at least `n` long) holds
 * each row's slot while the index is built: one buffer for a table's
 * columns, instead of a fresh one each, first-touched and thrown away.
 */
export function buildIndex(
  col: StoredColumn,
  n: number,
  maxCardinality: number,
  scratch?: Int32Array,
): EqIndex | null {
  const t = col.field.type;
  if (t.kind === "list" || t.kind === "struct" || t.kind === "map") return null;
  if (col.dict) {
    return col.dict.length > maxCardinality
      ? null
      : codeIndex(col.values as Int32Array, col.dict.length);
  }
  const u = utf8Of(col);
  if (u) return utf8Index(col, u, maxCardinality);
  const slotOf = scratch && scratch.length >= n
    ? scratch.subarray(0, n)
    : new Int32Array(n);
  let first: Int32Array | null | undefined;
  if (
    t.kind === "bool" || t.kind === "date" || (t.kind === "int" && t.bits <= 32)
  ) {
    first = denseSlots(col, slotOf, maxCardinality);
  }
  if (
    first === undefined && (t.kind === "int" || t.kind === "float" ||
      t.kind === "date" || t.kind === "timestamp" || t.kind === "time")
  ) {
    first = hashedSlots(col, slotOf, maxCardinality);
  }
  if (first === null) return null;
  if (first === undefined) return mapIndex(col, slotOf, maxCardinality);
  // Lookups hash constants the way rowKey keys rows: one Map entry per distinct value.
  const key = rowKey(col);
  const slots = new Map<number | bigint | string, number>();
  first.forEach((r, s) => slots.set(key(r), s));
  const counts = new Int32Array(first.length);
  for (let r = 0; r < n; r++) {
    const s = slotOf[r]!;
    if (s >= 0) counts[s]!++;
  }
  return { slots, ...bucketRows(slotOf, counts) };
}

/**
 * Slots of a narrow integer column by value (lo..hi), numbered in value
 * order; returns each slot's first row, null past `maxCardinality`
 * distinct values, or undefined when the range is too wide for a table.
 */
function denseSlots(
  col: StoredColumn,
  slotOf: Int32Array,
  maxCardinality: number,
): Int32Array | null | undefined {
  const v = col.values as Int32Array;
  const valid = col.valid;
  const n = slotOf.length;
  let lo = Infinity, hi = -Infinity;
  for (let r = 0; r < n; r++) {
    const x = v[r]!;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  // No rows: no slots (lo..hi is empty).
  if (n === 0) return new Int32Array(0);
  if (!(hi - lo < MAX_DENSE)) return undefined;
  const firstOf = new Int32Array(hi - lo + 1).fill(-1);
  for (let r = n - 1; r >= 0; r--) {
    if (valid === null || valid[r] === 1) firstOf[v[r]! - lo] = r;
  }
  const slotOfValue = new Int32Array(firstOf.length);
  const first: number[] = [];
  for (let i = 0; i < firstOf.length; i++) {
    if (firstOf[i]! < 0) continue;
    slotOfValue[i] = first.length;
    first.push(firstOf[i]!);
  }
  if (first.length > maxCardinality) return null;
  for (let r = 0; r < n; r++) {
    slotOf[r] = valid !== null && valid[r] === 0
      ? -1
      : slotOfValue[v[r]! - lo]!;
  }
  return Int32Array.from(first);
}

/**
 * Slots of a numeric column through an open-addressing hash of each value's
 * 64 bits (no boxing, no Map per row); returns each slot's first row, or
 * null past `maxCardinality` distinct values. Like Map keys, -0 equals 0 and
 * all NaNs are one value.
 */
function hashedSlots(
  col: StoredColumn,
  slotOf: Int32Array,
  maxCardinality: number,
): Int32Array | null {
  const n = slotOf.length;
  const valid = col.valid;
  const v = col.values;
  // 64-bit integers are read as their words in place; floats go through one
  // scratch double so a column that turns out too diverse costs nothing more.
  const wide = v instanceof BigInt64Array || v instanceof BigUint64Array;
  const words = wide
    ? new Uint32Array(v.buffer, v.byteOffset, v.length * 2)
    : new Uint32Array(2);
  const scratch = new Float64Array(words.buffer, 0, wide ? 0 : 1);
  const x = v as Float64Array;
  let cap = 16;
  while (cap < 2 * Math.min(n, maxCardinality + 1)) cap *= 2;
  const mask = cap - 1;
  const keys = new Uint32Array(2 * cap);
  const slotAt = new Int32Array(cap).fill(-1);
  const first: number[] = [];
  for (let r = 0; r < n; r++) {
    if (valid !== null && valid[r] === 0) {
      slotOf[r] = -1;
      continue;
    }
    let w = 2 * r;
    if (!wide) {
      const f = x[r]!;
      // NaN payloads and the sign of zero do not make distinct values.
      scratch[0] = f !== f ? NaN : f === 0 ? 0 : f;
      w = 0;
    }
    const lo = words[w]!, hi = words[w + 1]!;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const s = slotAt[h]!;
      if (s < 0) {
        if (first.length >= maxCardinality) return null;
        slotAt[h] = first.length;
        keys[2 * h] = lo;
        keys[2 * h + 1] = hi;
        slotOf[r] = first.length;
        first.push(r);
        break;
      }
      if (keys[2 * h] === lo && keys[2 * h + 1] === hi) {
        slotOf[r] = s;
        break;
      }
      h = (h + 1) & mask;
    }
  }
  return Int32Array.from(first);
}

/** The general path (decimals, binary): a Map from each row's key. */
function mapIndex(
  col: StoredColumn,
  slotOf: Int32Array,
  maxCardinality: number,
): EqIndex | null {
  const n = slotOf.length;
  const key = rowKey(col);
  const slots = new Map<number | bigint | string, number>();
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

/**
 * A bytes column's index: slots renumbered in byte order, so a constant
 * finds its slot by binary search without a Map of strings.
 */
function utf8Index(
  col: StoredColumn,
  u: Utf8Column,
  maxCardinality: number,
): EqIndex | null {
  const hashed = utf8Ids(u, col.valid, null, maxCardinality);
  if (!hashed) return null;
  const { ids, first } = hashed;
  const cmp = rowComparator(col);
  const order = Int32Array.from(first.keys()).sort((a, b) =>
    cmp(first[a]!, first[b]!)
  );
  const slotOfId = new Int32Array(first.length);
  order.forEach((id, s) => slotOfId[id] = s);
  const counts = new Int32Array(first.length);
  for (let r = 0; r < ids.length; r++) {
    const id = ids[r]!;
    if (id >= 0) counts[ids[r] = slotOfId[id]!]!++;
  }
  return {
    slots: null,
    firstRows: Int32Array.from(order, (id) => first[id]!),
    ...bucketRows(ids, counts),
  };
}

/** The slot of `value` in a bytes column's index, or undefined. */
function utf8Slot(
  index: EqIndex,
  u: Utf8Column,
  value: string,
): number | undefined {
  const rows = index.firstRows!;
  const cmp = utf8ConstComparator(u, value);
  let lo = 0, hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = cmp(rows[mid]!);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return undefined;
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
  if (col.dict) return dictCode(col.dict, v as string);
  const t = col.field.type;
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
  const u = utf8Of(col);
  for (const v of values) {
    const k = u ? undefined : constKey(col, v);
    const s = u
      ? utf8Slot(index, u, v as string)
      : k === undefined
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
