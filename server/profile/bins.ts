/**
 * Histogram bin edges for a column's [min, max], as values of the column's
 * own type, so bin bounds print like any other value and values compare
 * with them exactly.
 *
 * Integer-valued types (integers, decimals at their scale, dates in days,
 * timestamps in their unit) get bins a whole number of units wide:
 * `[min + k·w, min + (k+1)·w)`, so there may be fewer than 20 and the
 * last, closed at max, may be narrower. Floats get 20 equal bins (one when
 * min = max).
 */
import type { ColumnValues, DataType } from "../../data/types.ts";

const MAX_BINS = 20;

/** A histogram's inner edges (ascending) and the column values of every bin's bounds. */
export interface Bins {
  /**
   * Where bin k+1 starts, for k = 0 … bins − 2, in the layout a result
   * column holds the type's values: bigint for 64-bit integers, timestamps
   * and decimals (unscaled), number for the rest.
   */
  cuts: number[] | bigint[];
  /** lo and hi of each bin, interleaved: lo0, hi0, lo1, hi1, … */
  bounds: ColumnValues;
}

/** Whether a column of this type has a histogram (API.md: numbers, dates, timestamps). */
export function hasHistogram(t: DataType): boolean {
  return t.kind === "int" || t.kind === "float" || t.kind === "decimal" ||
    t.kind === "date" || t.kind === "timestamp";
}

/**
 * The bins from `min` to `max` (both as read from a result column: number,
 * bigint, or a decimal's unscaled bigint). Floats must be finite here.
 */
export function bins(
  t: DataType,
  min: number | bigint,
  max: number | bigint,
): Bins {
  if (t.kind === "float") {
    return floatBins(t.bits, min as number, max as number);
  }
  return wholeBins(t, BigInt(min), BigInt(max));
}

function wholeBins(t: DataType, min: bigint, max: bigint): Bins {
  const span = max - min + 1n;
  const n = BigInt(MAX_BINS);
  const w = (span + n - 1n) / n;
  const count = Number((span + w - 1n) / w);
  const lo = (k: number) => min + BigInt(k) * w;
  const bounds: bigint[] = [];
  for (let k = 0; k < count; k++) {
    bounds.push(lo(k), k === count - 1 ? max : lo(k + 1));
  }
  const cuts: bigint[] = [];
  for (let k = 1; k < count; k++) cuts.push(lo(k));
  return {
    cuts: bigValued(t) ? cuts : cuts.map(Number),
    bounds: columnOf(t, bounds),
  };
}

/** Types whose result columns hold bigints. */
function bigValued(t: DataType): boolean {
  return t.kind === "decimal" || t.kind === "timestamp" ||
    (t.kind === "int" && t.bits === 64);
}

function columnOf(t: DataType, v: bigint[]): ColumnValues {
  if (t.kind === "decimal") return v;
  if (
    t.kind === "timestamp" || (t.kind === "int" && t.bits === 64 && t.signed)
  ) {
    return BigInt64Array.from(v);
  }
  if (t.kind === "int" && t.bits === 64) return BigUint64Array.from(v);
  return Float64Array.from(v, Number);
}

function floatBins(bits: 32 | 64, min: number, max: number): Bins {
  const round = bits === 32 ? Math.fround : (x: number) => x;
  const n = min === max ? 1 : MAX_BINS;
  // Divided before subtracting, so a range wider than the largest float
  // does not overflow.
  const step = max / n - min / n;
  const cuts = [min];
  for (let k = 1; k < n; k++) {
    const e = round(min + step * k);
    // float32 rounding can merge neighbouring edges of a narrow range.
    if (e > cuts[cuts.length - 1]! && e < max) cuts.push(e);
  }
  const bounds: number[] = [];
  cuts.forEach((lo, k) => bounds.push(lo, cuts[k + 1] ?? max));
  return { cuts: cuts.slice(1), bounds: Float64Array.from(bounds) };
}
