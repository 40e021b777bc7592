/**
 * Raw JSON predicate values → typed scalars of a column's type (the Scalar
 * layout of types.ts). One place decides what a value means, so both engines
 * compare against exactly the same thing.
 */
import { ApiError } from "../data/errors.ts";
import { daysFromCivil } from "../data/text.ts";
import { describe } from "./parse.ts";
import type { DataType, Decimal, Scalar, TimeUnit } from "../data/types.ts";

const INT_RANGES: Record<string, [bigint, bigint]> = {
  "8s": [-128n, 127n],
  "16s": [-32768n, 32767n],
  "32s": [-2147483648n, 2147483647n],
  "64s": [-(2n ** 63n), 2n ** 63n - 1n],
  "8u": [0n, 255n],
  "16u": [0n, 65535n],
  "32u": [0n, 4294967295n],
  "64u": [0n, 2n ** 64n - 1n],
};

const UNIT_PER_SECOND: Record<TimeUnit, bigint> = {
  s: 1n,
  ms: 1_000n,
  us: 1_000_000n,
  ns: 1_000_000_000n,
};

/** Converts `v` to the scalar layout of `type`; throws a 400 naming `path`. */
export function toScalar(v: unknown, type: DataType, path: string): Scalar {
  switch (type.kind) {
    case "bool":
      if (typeof v !== "boolean") throw invalid(path, "true or false", v);
      return v;
    case "int":
      return toInt(v, type.bits, type.signed, path);
    case "float":
      return toFloat(v, path);
    case "decimal":
      return toDecimal(v, path);
    case "string":
      if (typeof v !== "string") throw invalid(path, "a string", v);
      return v;
    case "binary":
      return toBinary(v, path);
    case "date":
      return toDate(v, path);
    case "timestamp":
      return toTimestamp(v, type.unit, path);
    case "time":
      return toTime(v, type.unit, path);
    default:
      throw new ApiError(
        400,
        "unsupported_op",
        `${path}: ${type.kind} columns can only be tested with is_null/is_not_null`,
        path,
      );
  }
}

function toInt(
  v: unknown,
  bits: number,
  signed: boolean,
  path: string,
): number | bigint {
  let n: bigint;
  if (typeof v === "number") {
    if (!Number.isInteger(v)) throw invalid(path, "an integer", v);
    if (!Number.isSafeInteger(v)) {
      throw new ApiError(
        400,
        "invalid_value",
        `${path}: ${v} is beyond 2^53 and not exact; send it as a decimal string`,
        path,
      );
    }
    n = BigInt(v);
  } else if (typeof v === "string" && bits === 64 && /^-?\d{1,20}$/.test(v)) {
    n = BigInt(v);
  } else {
    const what = bits === 64 ? "an integer or a decimal string" : "an integer";
    throw invalid(path, what, v);
  }
  const [lo, hi] = INT_RANGES[`${bits}${signed ? "s" : "u"}`]!;
  if (n < lo || n > hi) {
    throw new ApiError(
      400,
      "invalid_value",
      `${path}: ${n} is outside the range of ${
        signed ? "" : "u"
      }int${bits} (${lo}..${hi})`,
      path,
    );
  }
  return bits === 64 ? n : Number(n);
}

function toFloat(v: unknown, path: string): number {
  if (typeof v === "number") return v;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  throw invalid(path, 'a number (or "NaN", "Infinity", "-Infinity")', v);
}

const DECIMAL_RE = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d{1,4}))?$/;

function toDecimal(v: unknown, path: string): Decimal {
  const text = typeof v === "number" && Number.isFinite(v)
    ? String(v)
    : typeof v === "string"
    ? v
    : undefined;
  const m = text === undefined ? null : DECIMAL_RE.exec(text);
  if (!m || m[2]!.length + (m[3]?.length ?? 0) > 80) {
    throw invalid(path, "a number or a decimal string", v);
  }
  const frac = m[3] ?? "";
  let unscaled = BigInt(m[2]! + frac);
  let scale = frac.length - Number(m[4] ?? 0);
  if (scale < 0) {
    unscaled *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { unscaled: m[1] === "-" ? -unscaled : unscaled, scale };
}

function toBinary(v: unknown, path: string): Uint8Array {
  if (
    typeof v !== "string" ||
    !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v)
  ) {
    throw invalid(path, "a base64 string", v);
  }
  const raw = atob(v);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

const DATE_RE = /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})$/;

function parseDate(text: string): number | null {
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return daysFromCivil(y, mo, d);
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function toDate(v: unknown, path: string): number {
  const days = typeof v === "string" ? parseDate(v) : null;
  if (days === null) throw invalid(path, "a date YYYY-MM-DD", v);
  return days;
}

const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/** Units of `unit` since midnight for HH:MM[:SS[.fraction]], or null. */
function parseTimeOfDay(text: string, unit: TimeUnit): bigint | null {
  const m = TIME_RE.exec(text);
  if (!m) return null;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const s = Number(m[3] ?? 0);
  if (h > 23 || mi > 59 || s > 59) return null;
  const frac = (m[4] ?? "").padEnd(9, "0");
  const nanos = BigInt(frac);
  const per = UNIT_PER_SECOND[unit];
  const step = 1_000_000_000n / per;
  if (nanos % step !== 0n) return null;
  return BigInt(h * 3600 + mi * 60 + s) * per + nanos / step;
}

function toTime(v: unknown, unit: TimeUnit, path: string): bigint {
  const t = typeof v === "string" ? parseTimeOfDay(v, unit) : null;
  if (t === null) {
    throw invalid(
      path,
      `a time HH:MM:SS[.fraction] exact to the unit ${unit}`,
      v,
    );
  }
  return t;
}

const ZONE_RE = /(Z|[+-]\d{2}:?\d{2})$/;

/**
 * An ISO-8601 date or date-time in units since the epoch. A value with a
 * zone is converted to UTC; one without is read as UTC wall-clock time, which
 * is also how zone-less columns store their values.
 */
function toTimestamp(v: unknown, unit: TimeUnit, path: string): bigint {
  const what = `an ISO-8601 timestamp exact to the unit ${unit}`;
  if (typeof v !== "string") throw invalid(path, what, v);
  let text = v;
  let offsetMinutes = 0;
  const zone = ZONE_RE.exec(text);
  if (zone && text.length > 10) {
    text = text.slice(0, -zone[1]!.length);
    if (zone[1] !== "Z") {
      const z = zone[1]!.replace(":", "");
      const mins = Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5));
      offsetMinutes = z[0] === "-" ? -mins : mins;
    }
  }
  const sep = text.search(/[T ]/);
  const days = parseDate(sep < 0 ? text : text.slice(0, sep));
  const tod = sep < 0 ? 0n : parseTimeOfDay(text.slice(sep + 1), unit);
  if (days === null || tod === null) throw invalid(path, what, v);
  const per = UNIT_PER_SECOND[unit];
  return BigInt(days) * 86400n * per + tod -
    BigInt(offsetMinutes) * 60n * per;
}

function invalid(path: string, what: string, v: unknown): ApiError {
  return new ApiError(
    400,
    "invalid_value",
    `${path}: expected ${what}, got ${describe(v)}`,
    path,
  );
}
