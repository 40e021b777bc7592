/**
 * In-memory columns: the ResultBatch layouts of query/types.ts, except for
 * strings. Repeating strings are dictionary-encoded (codes into a dictionary
 * in UTF-8 byte order) so equality, ordering and grouping compare integers; mostly-distinct ones are UTF-8 bytes plus offsets
 * (utf8.ts), so millions of them are two typed arrays, not JS strings.
 */
import type { ColumnVector, DataType, Field } from "../../data/types.ts";
import type { Codes } from "../duckdb/mod.ts";
import type { Utf8Column } from "./utf8.ts";

export interface StoredColumn {
  field: Field;
  /**
   * Typed array (or array) in the ColumnVector layout; for strings,
   * dictionary codes when `dict` is set, else a Utf8Column.
   */
  values: ColumnVector["values"] | Codes | Utf8Column;
  valid: Uint8Array | null;
  /**
   * Dictionary-encoded strings: code → text, ascending in UTF-8 byte order,
   * so codes order as their strings.
   */
  dict?: string[];
}

const utf8 = new TextEncoder();

/** Compares two strings by their UTF-8 bytes (code point order), like DuckDB. */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort above U+E000..U+FFFF in UTF-8.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) {
      const bx = utf8.encode(a.slice(i));
      const by = utf8.encode(b.slice(i));
      const m = Math.min(bx.length, by.length);
      for (let j = 0; j < m; j++) if (bx[j] !== by[j]) return bx[j]! - by[j]!;
      return bx.length - by.length;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** The bytes and offsets of a string column that has no dictionary. */
export function utf8Of(col: StoredColumn): Utf8Column | null {
  return col.field.type.kind === "string" && !col.dict
    ? col.values as Utf8Column
    : null;
}

/** Bytes per value for the memory estimate and budget. */
export function valueWidth(t: DataType): number {
  switch (t.kind) {
    case "bool":
      return 1;
    case "int":
    case "float":
      return t.bits / 8;
    case "date":
      return 4;
    case "timestamp":
    case "time":
      return 8;
    case "decimal":
      return 16;
    default:
      return 16;
  }
}

/**
 * A dictionary column from codes (-1 where `valid` is 0) and their
 * dictionary. A dictionary out of UTF-8 byte order (the decoder sorts it)
 * is sorted here and the codes renumbered, so codes always order as their
 * strings.
 */
export function dictionaryColumn(
  field: Field,
  dict: string[],
  codes: Codes,
  valid: Uint8Array | null,
): StoredColumn {
  let sorted = true;
  for (let i = 1; i < dict.length && sorted; i++) {
    sorted = compareUtf8(dict[i - 1]!, dict[i]!) < 0;
  }
  if (sorted) return { field, values: codes, valid, dict };
  const order = dict.map((_, i) => i).sort((x, y) =>
    compareUtf8(dict[x]!, dict[y]!)
  );
  const rank = new Int32Array(dict.length);
  order.forEach((code, r) => rank[code] = r);
  return {
    field,
    values: codes.map((c: number) => c < 0 ? c : rank[c]!),
    valid,
    dict: order.map((code) => dict[code]!),
  };
}

/** The code of `s` in a column's dictionary (binary search), or undefined. */
export function dictCode(dict: string[], s: string): number | undefined {
  let lo = 0, hi = dict.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = compareUtf8(dict[mid]!, s);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return undefined;
}
