/**
 * Values as text, one function per type family: dates, times, timestamps,
 * decimals, floats and base64. Every encoder and the DuckDB engine's SQL
 * parameters use these, so all of them agree on what a value looks like.
 */
import type { TimeUnit } from "./types.ts";

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Floats: NaN and infinities as strings; -0 as 0 so both engines agree. */
export function float64Text(v: number): string {
  if (Number.isFinite(v)) return v === 0 ? "0" : String(v);
  return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
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

const PER_SECOND: Record<TimeUnit, bigint> = {
  s: 1n,
  ms: 1_000n,
  us: 1_000_000n,
  ns: 1_000_000_000n,
};
export const FRACTION_DIGITS: Record<TimeUnit, number> = {
  s: 0,
  ms: 3,
  us: 6,
  ns: 9,
};

export function pad(n: number, w: number): string {
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
  let s = sub.toString().padStart(FRACTION_DIGITS[unit], "0");
  while (s.length > 3 && s.endsWith("000")) s = s.slice(0, -3);
  return "." + s;
}

export const PER_SECOND_NUM: Record<TimeUnit, number> = {
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

export function cachedDate(days: number): string {
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

/**
 * The day (since the epoch) a safe integer count `n` of units, `per` to
 * the second, falls on; `n - day * per * 86400` is then the rest of that day,
 * exactly. No pair is returned: the JSON writer calls this per value.
 */
export function dayOf(n: number, per: number): number {
  // Exact in float64: every operand is an integer below 2^53.
  const perDay = per * 86400;
  const days = Math.floor(n / perDay);
  const rest = n - days * perDay;
  return rest < 0 ? days - 1 : rest >= perDay ? days + 1 : days;
}

/** `timestampText` for a value already known to be a safe integer (no BigInt work). */
export function timestampTextSafe(
  n: number,
  unit: TimeUnit,
  utc: boolean,
): string {
  const per = PER_SECOND_NUM[unit];
  const days = dayOf(n, per);
  const rest = n - days * per * 86400;
  const secs = Math.floor(rest / per);
  return `${cachedDate(days)}T${clock(secs)}${
    fraction(rest - secs * per, unit)
  }${utc ? "Z" : ""}`;
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

/** Days since 1970-01-01 of a proleptic Gregorian date (exact for any year). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
