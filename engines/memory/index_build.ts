/**
 * Building an equality index (index.ts): each row's slot by the cheapest
 * means its type allows (dictionary codes, a table of narrow integers, a
 * hash of 64-bit words or of UTF-8 bytes, a Map), then a counting sort of
 * the rows by slot. Every pass runs in slices (steps.ts), so the background
 * build lets requests through between them.
 */
import { type StoredColumn, utf8Of } from "./columns.ts";
import { rowComparator, rowKey } from "./compare.ts";
import type { EqIndex } from "./index.ts";
import { runSteps, sliced, type Steps } from "./steps.ts";
import { type Utf8Column, utf8IdSteps } from "./utf8.ts";

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
  return runSteps(indexSteps(col, n, maxCardinality, scratch));
}

/** `buildIndex` in slices (steps.ts), for the background build. */
export function* indexSteps(
  col: StoredColumn,
  n: number,
  maxCardinality: number,
  scratch?: Int32Array,
): Steps<EqIndex | null> {
  const t = col.field.type;
  if (t.kind === "list" || t.kind === "struct" || t.kind === "map") return null;
  if (col.dict) {
    if (col.dict.length > maxCardinality) return null;
    return yield* codeIndex(col.values as Int32Array, col.dict.length);
  }
  const u = utf8Of(col);
  if (u) return yield* utf8Index(col, u, maxCardinality);
  const slotOf = scratch && scratch.length >= n
    ? scratch.subarray(0, n)
    : new Int32Array(n);
  let first: Int32Array | null | undefined;
  if (
    t.kind === "bool" || t.kind === "date" || (t.kind === "int" && t.bits <= 32)
  ) {
    first = yield* denseSlots(col, slotOf, maxCardinality);
  }
  if (
    first === undefined && (t.kind === "int" || t.kind === "float" ||
      t.kind === "date" || t.kind === "timestamp" || t.kind === "time")
  ) {
    first = yield* hashedSlots(col, slotOf, maxCardinality);
  }
  if (first === null) return null;
  if (first === undefined) return yield* mapIndex(col, slotOf, maxCardinality);
  // Lookups hash constants the way rowKey keys rows: one Map entry per distinct value.
  const key = rowKey(col);
  const slots = new Map<number | bigint | string, number>();
  first.forEach((r, s) => slots.set(key(r), s));
  const counts = new Int32Array(first.length);
  yield* sliced(n, (from, to) => countSlots(slotOf, counts, from, to));
  return { slots, ...yield* bucketRows(slotOf, counts) };
}

/** Rows per slot over rows [from, to); -1 (null) counts nowhere. */
function countSlots(
  slotOf: Int32Array,
  counts: Int32Array,
  from: number,
  to: number,
): void {
  for (let r = from; r < to; r++) {
    const s = slotOf[r]!;
    if (s >= 0) counts[s]!++;
  }
}

/**
 * Slots of a narrow integer column by value (lo..hi), numbered in value
 * order; returns each slot's first row, null past `maxCardinality`
 * distinct values, or undefined when the range is too wide for a table.
 */
function* denseSlots(
  col: StoredColumn,
  slotOf: Int32Array,
  maxCardinality: number,
): Steps<Int32Array | null | undefined> {
  const v = col.values as Int32Array;
  const valid = col.valid;
  const n = slotOf.length;
  // No rows: no slots (lo..hi is empty).
  if (n === 0) return new Int32Array(0);
  const range = { lo: Infinity, hi: -Infinity };
  yield* sliced(n, (from, to) => widen(v, range, from, to));
  const { lo, hi } = range;
  if (!(hi - lo < MAX_DENSE)) return undefined;
  const firstOf = new Int32Array(hi - lo + 1).fill(-1);
  yield* sliced(
    n,
    (from, to) => firstOfValues(v, valid, lo, firstOf, from, to),
  );
  const slotOfValue = new Int32Array(firstOf.length);
  const first: number[] = [];
  for (let i = 0; i < firstOf.length; i++) {
    if (firstOf[i]! < 0) continue;
    slotOfValue[i] = first.length;
    first.push(firstOf[i]!);
  }
  if (first.length > maxCardinality) return null;
  yield* sliced(
    n,
    (from, to) => valueSlots(v, valid, lo, slotOfValue, slotOf, from, to),
  );
  return Int32Array.from(first);
}

/** Each row's slot by its value, over rows [from, to); -1 at nulls. */
function valueSlots(
  v: Int32Array,
  valid: Uint8Array | null,
  lo: number,
  slotOfValue: Int32Array,
  slotOf: Int32Array,
  from: number,
  to: number,
): void {
  for (let r = from; r < to; r++) {
    slotOf[r] = valid !== null && valid[r] === 0
      ? -1
      : slotOfValue[v[r]! - lo]!;
  }
}

/** Widens `range` to the values of rows [from, to) (nulls hold a value too). */
function widen(
  v: Int32Array,
  range: { lo: number; hi: number },
  from: number,
  to: number,
): void {
  let lo = range.lo, hi = range.hi;
  for (let r = from; r < to; r++) {
    const x = v[r]!;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  range.lo = lo;
  range.hi = hi;
}

/** Each value's first non-null row, over rows [from, to) in order. */
function firstOfValues(
  v: Int32Array,
  valid: Uint8Array | null,
  lo: number,
  firstOf: Int32Array,
  from: number,
  to: number,
): void {
  for (let r = from; r < to; r++) {
    if (valid !== null && valid[r] === 0) continue;
    const i = v[r]! - lo;
    if (firstOf[i]! < 0) firstOf[i] = r;
  }
}

/** An open-addressing table of 64-bit keys, as hashedSlots fills it. */
interface WordTable {
  readonly mask: number;
  /** Each cell's key as two 32-bit words. */
  readonly keys: Uint32Array;
  /** Each cell's slot, -1 when empty. */
  readonly slotAt: Int32Array;
  /** Each slot's first row. */
  readonly first: number[];
}

/**
 * Slots of a numeric column through an open-addressing hash of each value's
 * 64 bits (no boxing, no Map per row); returns each slot's first row, or
 * null past `maxCardinality` distinct values. Like Map keys, -0 equals 0 and
 * all NaNs are one value.
 */
function* hashedSlots(
  col: StoredColumn,
  slotOf: Int32Array,
  maxCardinality: number,
): Steps<Int32Array | null> {
  const n = slotOf.length;
  let cap = 16;
  while (cap < 2 * Math.min(n, maxCardinality + 1)) cap *= 2;
  const table: WordTable = {
    mask: cap - 1,
    keys: new Uint32Array(2 * cap),
    slotAt: new Int32Array(cap).fill(-1),
    first: [],
  };
  const done = yield* sliced(
    n,
    (from, to) => hashRows(col, table, slotOf, maxCardinality, from, to),
  );
  return done ? Int32Array.from(table.first) : null;
}

/** hashedSlots over rows [from, to); false past `maxCardinality` values. */
function hashRows(
  col: StoredColumn,
  table: WordTable,
  slotOf: Int32Array,
  maxCardinality: number,
  from: number,
  to: number,
): boolean {
  const valid = col.valid;
  const v = col.values;
  const { mask, keys, slotAt, first } = table;
  // 64-bit integers are read as their words in place; floats go through one
  // scratch double so a column that turns out too diverse costs nothing more.
  const wide = v instanceof BigInt64Array || v instanceof BigUint64Array;
  const words = wide
    ? new Uint32Array(v.buffer, v.byteOffset, v.length * 2)
    : new Uint32Array(2);
  const scratch = new Float64Array(words.buffer, 0, wide ? 0 : 1);
  const x = v as Float64Array;
  for (let r = from; r < to; r++) {
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
        if (first.length >= maxCardinality) return false;
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
  return true;
}

/** The general path (decimals, binary): a Map from each row's key. */
function* mapIndex(
  col: StoredColumn,
  slotOf: Int32Array,
  maxCardinality: number,
): Steps<EqIndex | null> {
  const key = rowKey(col);
  const slots = new Map<number | bigint | string, number>();
  const counts: number[] = [];
  const done = yield* sliced(slotOf.length, (from, to) => {
    for (let r = from; r < to; r++) {
      if (col.valid && !col.valid[r]) {
        slotOf[r] = -1;
        continue;
      }
      const k = key(r);
      let s = slots.get(k);
      if (s === undefined) {
        if (slots.size >= maxCardinality) return false;
        s = slots.size;
        slots.set(k, s);
        counts.push(0);
      }
      counts[s]!++;
      slotOf[r] = s;
    }
  });
  return done ? { slots, ...yield* bucketRows(slotOf, counts) } : null;
}

/**
 * A bytes column's index: slots renumbered in byte order, so a constant
 * finds its slot by binary search without a Map of strings.
 */
function* utf8Index(
  col: StoredColumn,
  u: Utf8Column,
  maxCardinality: number,
): Steps<EqIndex | null> {
  const hashed = yield* utf8IdSteps(u, col.valid, null, maxCardinality);
  if (!hashed) return null;
  const { ids, first } = hashed;
  const cmp = rowComparator(col);
  const order = Int32Array.from(first.keys()).sort((a, b) =>
    cmp(first[a]!, first[b]!)
  );
  const slotOfId = new Int32Array(first.length);
  order.forEach((id, s) => slotOfId[id] = s);
  yield* sliced(ids.length, (from, to) => {
    for (let r = from; r < to; r++) {
      const id = ids[r]!;
      if (id >= 0) ids[r] = slotOfId[id]!;
    }
  });
  const counts = new Int32Array(first.length);
  yield* sliced(ids.length, (from, to) => countSlots(ids, counts, from, to));
  return {
    slots: null,
    firstRows: Int32Array.from(order, (id) => first[id]!),
    ...yield* bucketRows(ids, counts),
  };
}

/** A dictionary column's index: a counting sort of its codes (-1 = null). */
function* codeIndex(codes: Int32Array, size: number): Steps<EqIndex> {
  const counts = new Int32Array(size);
  yield* sliced(
    codes.length,
    (from, to) => countSlots(codes, counts, from, to),
  );
  return { slots: null, ...yield* bucketRows(codes, counts) };
}

/** CSR layout: rows of slot s are rows[offsets[s]..offsets[s+1]], ascending. */
function* bucketRows(
  slotOf: Int32Array,
  counts: ArrayLike<number>,
): Steps<{ offsets: Int32Array; rows: Int32Array }> {
  const offsets = new Int32Array(counts.length + 1);
  for (let s = 0; s < counts.length; s++) {
    offsets[s + 1] = offsets[s]! + counts[s]!;
  }
  const fill = offsets.slice(0, counts.length);
  const rows = new Int32Array(offsets[counts.length]!);
  // Touched in order first: the scatter below would fault in every page of
  // a fresh array within its first slice (246 ms at 20M rows, 100k slots).
  yield* sliced(rows.length, (from, to) => {
    rows.fill(0, from, to);
  });
  yield* sliced(
    slotOf.length,
    (from, to) => placeRows(slotOf, fill, rows, from, to),
  );
  return { offsets, rows };
}

/** Rows [from, to) into their slots' next places (`fill`). */
function placeRows(
  slotOf: Int32Array,
  fill: Int32Array,
  rows: Int32Array,
  from: number,
  to: number,
): void {
  for (let r = from; r < to; r++) {
    const s = slotOf[r]!;
    if (s >= 0) rows[fill[s]!++] = r;
  }
}
