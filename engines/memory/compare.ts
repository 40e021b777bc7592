/**
 * Row-level comparison with DuckDB's semantics: NaN equals NaN and sorts
 * above every number, strings by UTF-8 bytes, decimals exactly, booleans
 * false < true. Nulls are handled by the callers (filters never match them,
 * sorts put them last).
 */
import type { Decimal, Scalar } from "../../data/types.ts";
import { compareUtf8, type StoredColumn, utf8Of } from "./columns.ts";
import { utf8ConstComparator, utf8RowComparator } from "./utf8.ts";

function cmpNum(a: number, b: number): number {
  if (a !== a) return b !== b ? 0 : 1;
  if (b !== b) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** unscaled·10^-scale vs d, exactly. */
function cmpDecimal(unscaled: bigint, scale: number, d: Decimal): number {
  const s = Math.max(scale, d.scale);
  return cmpBig(
    unscaled * 10n ** BigInt(s - scale),
    d.unscaled * 10n ** BigInt(s - d.scale),
  );
}

/** Compares 64-bit integers at rows a and b through their 32-bit halves (no BigInt allocation). */
function words64(
  x: BigInt64Array | BigUint64Array,
  signed: boolean,
): (a: number, b: number) => number {
  const hi = signed
    ? new Int32Array(x.buffer, x.byteOffset, x.length * 2)
    : new Uint32Array(x.buffer, x.byteOffset, x.length * 2);
  const lo = new Uint32Array(x.buffer, x.byteOffset, x.length * 2);
  return (a, b) => {
    const h = hi[2 * a + 1]! - hi[2 * b + 1]!;
    if (h !== 0) return h;
    return lo[2 * a]! - lo[2 * b]!;
  };
}

/** A comparator of two non-null rows of one column. */
export function rowComparator(
  col: StoredColumn,
): (a: number, b: number) => number {
  const t = col.field.type;
  const v = col.values;
  if (col.dict) {
    const codes = v as Int32Array;
    return (a, b) => codes[a]! - codes[b]!;
  }
  switch (t.kind) {
    case "int":
      if (t.bits === 64) return words64(v as BigInt64Array, t.signed);
      return (a, b) => (v as Int32Array)[a]! - (v as Int32Array)[b]!;
    case "float": {
      const x = v as Float64Array;
      return (a, b) => cmpNum(x[a]!, x[b]!);
    }
    case "decimal": {
      const x = v as bigint[];
      return (a, b) => cmpBig(x[a]!, x[b]!);
    }
    case "timestamp":
    case "time":
      return words64(v as BigInt64Array, true);
    case "binary": {
      const x = v as Uint8Array[];
      return (a, b) => cmpBytes(x[a]!, x[b]!);
    }
    case "string":
      return utf8RowComparator(utf8Of(col)!);
    default:
      return (a, b) => (v as Int32Array)[a]! - (v as Int32Array)[b]!;
  }
}

/**
 * A function comparing a non-null row with a constant (already in the
 * column's scalar layout); for string columns it works on dictionary codes,
 * so each distinct string is compared once.
 */
export function constComparator(
  col: StoredColumn,
  value: Scalar,
): (row: number) => number {
  const t = col.field.type;
  const v = col.values;
  if (col.dict) {
    const s = value as string;
    const perCode = Int8Array.from(
      col.dict,
      (d) => Math.sign(compareUtf8(d, s)),
    );
    const codes = v as Int32Array;
    return (r) => perCode[codes[r]!]!;
  }
  switch (t.kind) {
    case "int":
      if (t.bits === 64) {
        const x = v as BigInt64Array;
        const c = value as bigint;
        return (r) => cmpBig(x[r]!, c);
      }
      return (r) => cmpNum((v as Int32Array)[r]!, value as number);
    case "float": {
      const x = v as Float64Array;
      // DuckDB casts the constant to the column type first.
      const c = t.bits === 32 ? Math.fround(value as number) : value as number;
      return (r) => cmpNum(x[r]!, c);
    }
    case "decimal": {
      const x = v as bigint[];
      return (r) => cmpDecimal(x[r]!, t.scale, value as Decimal);
    }
    case "timestamp":
    case "time": {
      const x = v as BigInt64Array;
      return (r) => cmpBig(x[r]!, value as bigint);
    }
    case "binary": {
      const x = v as Uint8Array[];
      return (r) => cmpBytes(x[r]!, value as Uint8Array);
    }
    case "string":
      return utf8ConstComparator(utf8Of(col)!, value as string);
    case "bool": {
      const c = value ? 1 : 0;
      return (r) => (v as Uint8Array)[r]! - c;
    }
    default:
      return (r) => cmpNum((v as Int32Array)[r]!, value as number);
  }
}

/**
 * A hashable key of a non-null row's value (for grouping, distinct and
 * indexes); strings without a dictionary are hashed by utf8Ids instead.
 */
export function rowKey(
  col: StoredColumn,
): (row: number) => number | bigint | string {
  const t = col.field.type;
  const v = col.values;
  if (col.dict) return (r) => (v as Int32Array)[r]!;
  if (t.kind === "binary") return (r) => (v as Uint8Array[])[r]!.join(",");
  if (t.kind === "decimal") return (r) => (v as bigint[])[r]!;
  if (t.kind === "float") {
    // -0 and 0 are one group, and so are all NaNs (Map keys use SameValueZero).
    return (r) => (v as Float64Array)[r]!;
  }
  return (r) => (v as Int32Array | BigInt64Array)[r]!;
}
