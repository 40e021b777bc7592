/**
 * API.md's JSON value rules, one function per type family. JSON, NDJSON and
 * CSV all format values here, so every format and both engines agree.
 */
import type { DataType, NestedValue, TimeUnit } from "../query/types.ts";
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

/** Floats: NaN and infinities as strings; -0 as 0 so both engines agree. */
export function float64Text(v: number): string {
  if (Number.isFinite(v)) return v === 0 ? "0" : String(v);
  return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
}

export function float64Json(v: number): string {
  return Number.isFinite(v)
    ? (v === 0 ? "0" : String(v))
    : `"${float64Text(v)}"`;
}

/** The shortest decimal that reads back as the same float32. */
export function float32Text(v: number): string {
  if (!Number.isFinite(v) || v === 0) return float64Text(v);
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

export function float32Json(v: number): string {
  return Number.isFinite(v) ? float32Text(v) : `"${float64Text(v)}"`;
}

const PER_SECOND: Record<TimeUnit, bigint> = {
  s: 1n,
  ms: 1_000n,
  us: 1_000_000n,
  ns: 1_000_000_000n,
};
const DIGITS: Record<TimeUnit, number> = { s: 0, ms: 3, us: 6, ns: 9 };

function pad(n: number, w: number): string {
  return String(n).padStart(w, "0");
}

/** YYYY-MM-DD (or ±YYYYYY-MM-DD outside years 0..9999) for days since the epoch. */
export function dateText(days: number): string {
  // Howard Hinnant's civil_from_days: exact for every proleptic Gregorian day.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) -
      Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const year = y >= 0 && y <= 9999
    ? pad(y, 4)
    : (y < 0 ? "-" : "+") + pad(Math.abs(y), 6);
  return `${year}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** Fraction digits in groups of three, only as many groups as needed. */
function fraction(sub: number | bigint, unit: TimeUnit): string {
  if (sub == 0) return "";
  let s = sub.toString().padStart(DIGITS[unit], "0");
  while (s.length > 3 && s.endsWith("000")) s = s.slice(0, -3);
  return "." + s;
}

const PER_SECOND_NUM: Record<TimeUnit, number> = {
  s: 1,
  ms: 1e3,
  us: 1e6,
  ns: 1e9,
};

function clock(secs: number): string {
  return `${pad(Math.floor(secs / 3600), 2)}:${
    pad(Math.floor(secs / 60) % 60, 2)
  }:${pad(secs % 60, 2)}`;
}

/** HH:MM:SS[.fff] for units since midnight. */
export function timeText(v: bigint, unit: TimeUnit): string {
  const per = PER_SECOND[unit];
  return clock(Number(v / per)) + fraction(v % per, unit);
}

// Pages often repeat dates; formatting each once keeps timestamps cheap.
const dateCache = new Map<number, string>();

function cachedDate(days: number): string {
  let d = dateCache.get(days);
  if (d === undefined) {
    if (dateCache.size > 100_000) dateCache.clear();
    d = dateText(days);
    dateCache.set(days, d);
  }
  return d;
}

/** ISO-8601 for units since the epoch; `Z` exactly when the column is UTC-adjusted. */
export function timestampText(v: bigint, unit: TimeUnit, utc: boolean): string {
  if (v <= MAX_SAFE && v >= -MAX_SAFE) {
    return timestampTextSafe(Number(v), unit, utc);
  }
  const perDay = PER_SECOND[unit] * 86400n;
  let days = v / perDay;
  let rest = v % perDay;
  if (rest < 0n) {
    rest += perDay;
    days -= 1n;
  }
  return `${dateText(Number(days))}T${timeText(rest, unit)}${utc ? "Z" : ""}`;
}

/** Splits a safe integer count of `unit` since the epoch into days and the rest of that day. */
function splitDay(n: number, per: number): [days: number, rest: number] {
  // Exact in float64: every operand is an integer below 2^53.
  const perDay = per * 86400;
  let days = Math.floor(n / perDay);
  let rest = n - days * perDay;
  if (rest < 0) {
    days -= 1;
    rest += perDay;
  } else if (rest >= perDay) {
    days += 1;
    rest -= perDay;
  }
  return [days, rest];
}

/** `timestampText` for a value already known to be a safe integer (no BigInt work). */
export function timestampTextSafe(
  n: number,
  unit: TimeUnit,
  utc: boolean,
): string {
  const per = PER_SECOND_NUM[unit];
  const [days, rest] = splitDay(n, per);
  const secs = Math.floor(rest / per);
  return `${cachedDate(days)}T${clock(secs)}${
    fraction(rest - secs * per, unit)
  }${utc ? "Z" : ""}`;
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
    let digits = DIGITS[unit];
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

/** A decimal's unscaled integer with exactly `scale` fraction digits. */
export function decimalText(unscaled: bigint, scale: number): string {
  if (scale === 0) return unscaled.toString();
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(
    scale + 1,
    "0",
  );
  return `${neg ? "-" : ""}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Standard base64 of bytes. */
export function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
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
