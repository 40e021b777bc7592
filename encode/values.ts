/**
 * API.md's JSON value rules, one function per type family. JSON, NDJSON and
 * CSV all format values here, so every format and both engines agree.
 */
import type { DataType, NestedValue, TimeUnit } from "../data/types.ts";
import {
  base64,
  cachedDate,
  dateText,
  dayOf,
  decimalText,
  float32Text,
  float64Text,
  FRACTION_DIGITS,
  PER_SECOND_NUM,
  timestampText,
  timeText,
} from "../data/text.ts";
import type { ByteWriter } from "./bytes.ts";

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_SAFE_NUM = Number.MAX_SAFE_INTEGER;

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
 * A writer of row `i` of an integer column into `w`: digit by digit where
 * the value is a safe integer, else `wide(value)` (JSON quotes 64-bit
 * values past ±(2^53−1); CSV does not).
 */
export function integerWriter(
  w: ByteWriter,
  type: { bits: 8 | 16 | 32 | 64; signed: boolean },
  values: ArrayLike<number> | BigInt64Array | BigUint64Array,
  wide: (v: bigint) => string,
): (i: number) => void {
  if (type.bits !== 64) {
    const a = values as Int32Array;
    return (i) => writeInteger(w, a[i]!);
  }
  const a = values as BigInt64Array | BigUint64Array;
  if (!type.signed) return (i) => w.ascii(wide(a[i]!));
  const words = new Int32Array(a.buffer, a.byteOffset, a.length * 2);
  return (i) => {
    const safe = int64AsSafeNumber(words, i);
    if (safe !== null) writeInteger(w, safe);
    else w.ascii(wide(a[i]!));
  };
}

/** A safe integer (int8 to int32, and int64 inside ±(2^53−1)) in decimal. */
export function writeInteger(w: ByteWriter, n: number): void {
  if (n < 0) {
    w.byte(0x2d);
    w.digits(-n);
  } else w.digits(n);
}

// 10^k for k fraction digits: the decimals a float64 fast path can write.
const SCALES = [10, 100, 1000, 1e4, 1e5, 1e6];
// Below this, the decimal m / 10^k is the only one of k fraction digits
// that reads back as its double, and m fits a double exactly.
const MAX_SCALED = 2 ** 50;

/**
 * `float64Json(v)` written into `w`. Doubles that are integers or have at
 * most six fraction digits (most measured data) are written digit by
 * digit: String(v) costs ~100 ns and a string per value. If some m / 10^k
 * (k smallest) reads back as exactly v, that decimal is v's shortest
 * round-trip text, which is what String(v) prints: a shorter one would be
 * a multiple of 10^-(k−1), found at k−1.
 */
export function writeFloat64(w: ByteWriter, v: number): void {
  if (Number.isInteger(v) && v <= MAX_SAFE_NUM && v >= -MAX_SAFE_NUM) {
    // -0 is written as 0, as float64Json does.
    writeInteger(w, v === 0 ? 0 : v);
    return;
  }
  const a = v < 0 ? -v : v;
  for (let k = 0; k < SCALES.length; k++) {
    const p = SCALES[k]!;
    const m = Math.round(a * p);
    if (m / p === a && m < MAX_SCALED) {
      if (v < 0) w.byte(0x2d);
      const whole = Math.floor(a);
      w.digits(whole);
      w.byte(0x2e);
      w.padded(m - whole * p, k + 1);
      return;
    }
  }
  w.ascii(float64Json(v));
}

// Days since the epoch of 0000-03-01 and 10000-01-01: in between, every
// step of civil_from_days is a non-negative int32 (truncating division is
// floor) and the year has four digits.
const DAY_0000_03_01 = -719468;
const DAY_10000_01_01 = 2932897;

// The last date written per slot (days mod SLOTS), as its ten bytes: pages
// repeat dates, and a copy costs less than the arithmetic.
const SLOTS = 4096;
const slotDay = new Int32Array(SLOTS).fill(DAY_10000_01_01);
const slotText = new Uint8Array(SLOTS * 10);

/** YYYY-MM-DD for days since the epoch (dateText), without a string in years 0..9999. */
export function writeDate(w: ByteWriter, days: number): void {
  if (days < DAY_0000_03_01 || days >= DAY_10000_01_01) {
    w.ascii(cachedDate(days));
    return;
  }
  const slot = days & (SLOTS - 1);
  if (slotDay[slot] !== days) {
    slotDay[slot] = days;
    civilDate(days, slotText, slot * 10);
  }
  w.copy(slotText, slot * 10, 10);
}

/** Howard Hinnant's civil_from_days (as dateText), for days in the int32 range above. */
function civilDate(days: number, out: Uint8Array, at: number): void {
  const z = days + 719468;
  const era = (z / 146097) | 0;
  const doe = z - era * 146097;
  const yoe = ((doe - ((doe / 1460) | 0) + ((doe / 36524) | 0) -
    ((doe / 146096) | 0)) / 365) | 0;
  const doy = doe - (365 * yoe + ((yoe / 4) | 0) - ((yoe / 100) | 0));
  const mp = ((5 * doy + 2) / 153) | 0;
  const d = doy - (((153 * mp + 2) / 5) | 0) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  out[at] = 0x30 + ((y / 1000) | 0);
  out[at + 1] = 0x30 + ((y / 100) | 0) % 10;
  out[at + 2] = 0x30 + ((y / 10) | 0) % 10;
  out[at + 3] = 0x30 + y % 10;
  out[at + 4] = 0x2d;
  out[at + 5] = 0x30 + ((m / 10) | 0);
  out[at + 6] = 0x30 + m % 10;
  out[at + 7] = 0x2d;
  out[at + 8] = 0x30 + ((d / 10) | 0);
  out[at + 9] = 0x30 + d % 10;
}

/**
 * A writer of row `i` of a timestamp column into `w`, in quotes for JSON
 * or bare for CSV: digit by digit where the value is a safe integer (a
 * page of timestamps builds no strings), else through timestampText.
 */
export function timestampWriter(
  w: ByteWriter,
  type: { unit: TimeUnit; utc: boolean },
  values: BigInt64Array,
  quote: boolean,
): (i: number) => void {
  const words = new Int32Array(
    values.buffer,
    values.byteOffset,
    values.length * 2,
  );
  const { unit, utc } = type;
  return (i) => {
    if (quote) w.byte(0x22);
    const safe = int64AsSafeNumber(words, i);
    if (safe !== null) writeTimestampText(w, safe, unit, utc);
    else w.ascii(timestampText(values[i]!, unit, utc));
    if (quote) w.byte(0x22);
  };
}

/** `timestampTextSafe`, unquoted, written digit by digit into `w`. */
export function writeTimestampText(
  w: ByteWriter,
  n: number,
  unit: TimeUnit,
  utc: boolean,
): void {
  const per = PER_SECOND_NUM[unit];
  const days = dayOf(n, per);
  const rest = n - days * per * 86400;
  const secs = Math.floor(rest / per);
  writeDate(w, days);
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
