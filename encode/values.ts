/**
 * API.md's JSON value rules, one function per type family. JSON, NDJSON and
 * CSV all format values here, so every format and both engines agree.
 */
import type { DataType, NestedValue, TimeUnit } from "../data/types.ts";
import {
  base64,
  cachedDate,
  dateText,
  decimalText,
  float32Text,
  float64Text,
  FRACTION_DIGITS,
  PER_SECOND_NUM,
  splitDay,
  timestampText,
  timeText,
} from "../data/text.ts";
import type { ByteWriter } from "./bytes.ts";

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A 64-bit integer stored at `i` of `words` (an Int32Array view of a
 * BigInt64Array) as a number, or null when it is not a safe integer. Reading
 * the two halves avoids allocating a BigInt per value on hot paths.
 */
export function int64AsSafeNumber(words: Int32Array, i: number): number | null {
  const hi = words[2 * i + 1]!;
  if (hi > 0x1fffff || hi < -0x200000) return null;
  const n = hi * 4294967296 + (words[2 * i]! >>> 0);
  return Number.isSafeInteger(n) ? n : null;
}

/** int64/uint64: a JSON number inside ±(2^53−1), a quoted decimal outside. */
export function int64Json(v: bigint): string {
  return v > MAX_SAFE || v < -MAX_SAFE ? `"${v}"` : String(v);
}

export function float64Json(v: number): string {
  return Number.isFinite(v)
    ? (v === 0 ? "0" : String(v))
    : `"${float64Text(v)}"`;
}

export function float32Json(v: number): string {
  return Number.isFinite(v) ? float32Text(v) : `"${float64Text(v)}"`;
}

/**
 * `timestampTextSafe` quoted, written digit by digit into `w`: a page of
 * timestamps builds no strings beyond each distinct date.
 */
export function writeTimestampSafe(
  w: ByteWriter,
  n: number,
  unit: TimeUnit,
  utc: boolean,
): void {
  const per = PER_SECOND_NUM[unit];
  const [days, rest] = splitDay(n, per);
  const secs = Math.floor(rest / per);
  w.byte(0x22);
  w.ascii(cachedDate(days));
  w.byte(0x54);
  w.padded(Math.floor(secs / 3600), 2);
  w.byte(0x3a);
  w.padded(Math.floor(secs / 60) % 60, 2);
  w.byte(0x3a);
  w.padded(secs % 60, 2);
  let sub = rest - secs * per;
  if (sub !== 0) {
    // Fraction digits in groups of three, only as many groups as needed.
    let digits = FRACTION_DIGITS[unit];
    while (digits > 3 && sub % 1000 === 0) {
      sub /= 1000;
      digits -= 3;
    }
    w.byte(0x2e);
    w.padded(sub, digits);
  }
  if (utc) w.byte(0x5a);
  w.byte(0x22);
}

/** JSON text of one non-null value of `type` in the ColumnVector/NestedValue layout. */
export function valueJson(type: DataType, v: NestedValue): string {
  if (v === null) return "null";
  switch (type.kind) {
    case "bool":
      return v ? "true" : "false";
    case "int":
      return type.bits === 64 ? int64Json(BigInt(v as bigint)) : String(v);
    case "float":
      return type.bits === 32
        ? float32Json(v as number)
        : float64Json(v as number);
    case "decimal":
      return `"${decimalText(BigInt(v as bigint), type.scale)}"`;
    case "string":
      return JSON.stringify(v);
    case "binary":
      return `"${base64(v as Uint8Array)}"`;
    case "date":
      return `"${dateText(v as number)}"`;
    case "timestamp":
      return `"${timestampText(BigInt(v as bigint), type.unit, type.utc)}"`;
    case "time":
      return `"${timeText(BigInt(v as bigint), type.unit)}"`;
    case "list":
      return `[${
        (v as NestedValue[]).map((x) => valueJson(type.item, x)).join(",")
      }]`;
    case "struct": {
      const obj = v as Record<string, NestedValue>;
      return `{${
        type.fields.map((f) =>
          `${JSON.stringify(f.name)}:${valueJson(f.type, obj[f.name] ?? null)}`
        ).join(",")
      }}`;
    }
    case "map":
      return `[${
        (v as { key: NestedValue; value: NestedValue }[]).map((e) =>
          `{"key":${valueJson(type.key, e.key)},"value":${
            valueJson(type.value, e.value)
          }}`
        ).join(",")
      }]`;
  }
}
