/**
 * Equality indexes: value → sorted row ids, stored CSR-style (one offsets
 * array, one row-id array) so an index costs two Int32Arrays per column.
 * Looking values up; index_build.ts builds them.
 */
import type { Decimal, Scalar } from "../../data/types.ts";
import { dictCode, type StoredColumn, utf8Of } from "./columns.ts";
import { type Utf8Column, utf8ConstComparator } from "./utf8.ts";

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
