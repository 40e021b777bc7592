/**
 * Partition values: the strings in `add.partitionValues` turned into the
 * Scalar layout of their column's type (see `Scalar` in query/types.ts).
 */
import type { DataType, Decimal, Scalar } from "../../data/types.ts";
import { DeltaFormatError } from "./failure.ts";

const MICROS_PER_DAY = 86_400_000_000n;

/** The typed value of partition text `text` (null or empty = null). */
export function parsePartitionValue(
  text: string | null,
  type: DataType,
): Scalar | null {
  if (text === null || text === "") return null;
  switch (type.kind) {
    case "string":
      return text;
    case "bool":
      if (text === "true" || text === "false") return text === "true";
      break;
    case "int":
      if (/^[+-]?\d+$/.test(text)) {
        if (type.bits === 64) return BigInt(text);
        return Number(text);
      }
      break;
    case "float": {
      const value = Number(text);
      if (!Number.isNaN(value) || text === "NaN") return value;
      break;
    }
    case "decimal":
      return parseDecimal(text, type.scale);
    case "date": {
      const days = parseDate(text);
      if (days !== null) return days;
      break;
    }
    case "timestamp": {
      const micros = parseTimestampMicros(text);
      if (micros !== null) return micros;
      break;
    }
    case "binary":
      return new TextEncoder().encode(text);
  }
  throw new DeltaFormatError(
    `partition value "${text}" does not fit its column type`,
  );
}

/** Days since 1970-01-01 of `YYYY-MM-DD`, or null. */
export function parseDate(text: string): number | null {
  const m = /^([+-]?\d{4,})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * Microseconds since the epoch of a partition timestamp: `YYYY-MM-DD
 * HH:MM:SS[.ffffff]` (UTC for `timestamp`, wall clock for `timestamp_ntz`)
 * or ISO-8601 with a `T` and an optional zone; null when it is neither.
 */
export function parseTimestampMicros(text: string): bigint | null {
  const m =
    /^([+-]?\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/
      .exec(text);
  if (!m) return null;
  const days = daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
  if (days === null) return null;
  const seconds = Number(m[4] ?? 0) * 3600 + Number(m[5] ?? 0) * 60 +
    Number(m[6] ?? 0);
  const micros = BigInt((m[7] ?? "").padEnd(9, "0").slice(0, 6));
  let offsetSeconds = 0;
  const zone = m[8];
  if (zone && zone !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    offsetSeconds = sign *
      (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2) || 0) * 60);
  }
  return BigInt(days) * MICROS_PER_DAY +
    BigInt(seconds - offsetSeconds) * 1_000_000n + micros;
}

/** `text` as an exact decimal at `scale`; refuses digits the scale would drop. */
export function parseDecimal(text: string, scale: number): Decimal {
  const m = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) {
    throw new DeltaFormatError(`partition value "${text}" is not a decimal`);
  }
  const digits = (m[2] ?? "") + (m[3] ?? "");
  // Value = digits × 10^(exp - fraction length); rescale to 10^-scale.
  const shift = scale + Number(m[4] ?? 0) - (m[3] ?? "").length;
  let unscaled: bigint;
  if (shift >= 0) {
    unscaled = BigInt(digits || "0") * 10n ** BigInt(shift);
  } else {
    const cut = digits.length + shift;
    const dropped = cut > 0 ? digits.slice(cut) : digits;
    if (/[^0]/.test(dropped)) {
      throw new DeltaFormatError(
        `partition value "${text}" has more digits than scale ${scale}`,
      );
    }
    unscaled = BigInt(cut > 0 ? digits.slice(0, cut) : "0");
  }
  return { unscaled: m[1] === "-" ? -unscaled : unscaled, scale };
}

/** Days since 1970-01-01 of a proleptic Gregorian date, or null when invalid. */
function daysFromCivil(
  year: number,
  month: number,
  day: number,
): number | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  // Howard Hinnant's days_from_civil, exact for any year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
