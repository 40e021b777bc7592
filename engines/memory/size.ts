/**
 * How much memory a decoded table holds: typed arrays exactly, JS arrays
 * of strings, bigints and nested values estimated from a sample. The
 * registry uses it to decide whether a replaced version can stay beside
 * the new one inside `memory_limit_bytes`.
 */
import { type StoredColumn, utf8Of } from "./columns.ts";
import type { Table } from "./filter.ts";

/** V8 keeps a pointer per array slot and a header per heap object. */
const SLOT = 8;
const OBJECT = 16;
const SAMPLE = 1_000;

/** Estimated bytes of one JS value in a column array (a sample's mean times the length). */
function arrayBytes(values: unknown[]): number {
  const n = values.length;
  if (n === 0) return 0;
  const step = Math.max(1, Math.floor(n / SAMPLE));
  let sampled = 0, bytes = 0;
  for (let i = 0; i < n; i += step, sampled++) bytes += valueBytes(values[i]);
  return Math.ceil(bytes / sampled * n) + n * SLOT;
}

function valueBytes(v: unknown): number {
  if (typeof v === "string") return OBJECT + 2 * v.length;
  if (typeof v === "bigint") return OBJECT + 8;
  if (v instanceof Uint8Array) return OBJECT * 4 + v.byteLength;
  if (Array.isArray(v)) return OBJECT + arrayBytes(v);
  if (v !== null && typeof v === "object") {
    let b = OBJECT;
    for (const x of Object.values(v)) b += SLOT + valueBytes(x);
    return b;
  }
  return 0;
}

function columnBytes(c: StoredColumn): number {
  const u = utf8Of(c);
  const values = u
    ? u.bytes.byteLength + u.offsets.byteLength
    : ArrayBuffer.isView(c.values)
    ? c.values.byteLength
    : arrayBytes(c.values as unknown[]);
  return values + (c.valid?.byteLength ?? 0) +
    (c.dict ? arrayBytes(c.dict) : 0);
}

/** The bytes a table's columns and equality indexes hold. */
export function tableBytes(t: Table): number {
  let bytes = 0;
  for (const c of t.columns.values()) bytes += columnBytes(c);
  for (const idx of t.indexes.values()) {
    bytes += idx.offsets.byteLength + idx.rows.byteLength +
      (idx.firstRows?.byteLength ?? 0) +
      (idx.slots ? idx.slots.size * 4 * SLOT : 0);
  }
  return bytes;
}
