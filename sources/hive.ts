/**
 * Hive partitions: `key=value` directories (`year=2024/state=TX/part-0.parquet`)
 * become typed columns whose value is constant per file.
 */
import { daysFromCivil } from "../data/text.ts";
import type { DataType, Field, Scalar } from "../data/types.ts";

/** The value Spark, Hive and DuckDB write for a null partition. */
export const NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

/** One file's partition segments in path order; null = null partition. */
export type HiveSegments = [key: string, value: string | null][];

/** `key=value` directory segments of a path relative to the source root, URL-decoded. */
export function hiveSegments(relative: string): HiveSegments {
  const out: HiveSegments = [];
  for (const dir of relative.split("/").slice(0, -1)) {
    const eq = dir.indexOf("=");
    if (eq <= 0) continue;
    const raw = dir.slice(eq + 1);
    out.push([
      decode(dir.slice(0, eq)),
      raw === NULL_PARTITION ? null : decode(raw),
    ]);
  }
  return out;
}

/** URL-decodes like Hive's escaping; a stray `%` keeps the text as written. */
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function isInt64(v: string): boolean {
  return /^[-+]?\d{1,19}$/.test(v) && BigInt(v) >= INT64_MIN &&
    BigInt(v) <= INT64_MAX;
}

/** Days since epoch of a valid `YYYY-MM-DD`, else null. */
function dateDays(v: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return null;
  // Month 13 is January of the next year in daysFromCivil's arithmetic.
  const monthLength = daysFromCivil(y, mo + 1, 1) - daysFromCivil(y, mo, 1);
  return d <= monthLength ? daysFromCivil(y, mo, d) : null;
}

/** int64 if every value is an integer literal, date if every value is YYYY-MM-DD, else string. */
export function partitionType(values: string[]): DataType {
  if (values.length > 0 && values.every(isInt64)) {
    return { kind: "int", bits: 64, signed: true };
  }
  if (values.length > 0 && values.every((v) => dateDays(v) !== null)) {
    return { kind: "date" };
  }
  return { kind: "string" };
}

/** A partition value in the Scalar layout of its type. */
function toScalar(type: DataType, v: string): Scalar {
  if (type.kind === "int") return BigInt(v);
  if (type.kind === "date") return dateDays(v)!;
  return v;
}

export interface Partitions {
  /** Partition columns in path order, all nullable. */
  fields: Field[];
  /** Per file, every partition column's value (null = null partition). */
  values: Record<string, Scalar | null>[];
}

/**
 * Types the partition columns of a set of files. Every file must have the
 * same keys in the same order; otherwise the index of the first file that
 * differs from file 0 is returned, for the caller to name both.
 */
export function typePartitions(
  perFile: HiveSegments[],
): Partitions | { mismatch: number } {
  const keys = (perFile[0] ?? []).map(([k]) => k);
  const mismatch = perFile.findIndex((segs) =>
    segs.length !== keys.length || segs.some(([k], i) => k !== keys[i])
  );
  if (mismatch >= 0) return { mismatch };
  const fields: Field[] = keys.map((name, i) => ({
    name,
    type: partitionType(
      perFile.map((segs) => segs[i]![1]).filter((v): v is string => v !== null),
    ),
    nullable: true,
  }));
  const values = perFile.map((segs) => {
    const rec: Record<string, Scalar | null> = {};
    fields.forEach((f, i) => {
      const v = segs[i]![1];
      rec[f.name] = v === null ? null : toScalar(f.type, v);
    });
    return rec;
  });
  return { fields, values };
}
