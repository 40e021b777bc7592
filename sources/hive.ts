/** Hive partition values from paths like `year=2024/state=TX/part-0.parquet`. */
import { daysFromCivil } from "../query/values.ts";
import type { Field, Scalar } from "../query/types.ts";

const NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

/** `key=value` directory segments of a path relative to the source root. */
export function hiveSegments(relative: string): [string, string | null][] {
  const dirs = relative.split("/").slice(0, -1);
  const out: [string, string | null][] = [];
  for (const d of dirs) {
    const eq = d.indexOf("=");
    if (eq <= 0) continue;
    const raw = decodeURIComponent(d.slice(eq + 1));
    out.push([
      decodeURIComponent(d.slice(0, eq)),
      raw === NULL_PARTITION ? null : raw,
    ]);
  }
  return out;
}

/** Types partition columns (int64, date, else string) and converts every file's values. */
export function typePartitions(
  perFile: [string, string | null][][],
): { fields: Field[]; values: Record<string, Scalar | null>[] } {
  const names = [...new Set(perFile.flatMap((segs) => segs.map(([k]) => k)))];
  const fields: Field[] = names.map((name) => {
    const vals = perFile.map((segs) =>
      segs.find(([k]) => k === name)?.[1] ?? null
    )
      .filter((v): v is string => v !== null);
    const type = vals.length > 0 && vals.every((v) => /^-?\d{1,18}$/.test(v))
      ? { kind: "int", bits: 64, signed: true } as const
      : vals.length > 0 && vals.every((v) => /^\d{4}-\d{2}-\d{2}$/.test(v))
      ? { kind: "date" } as const
      : { kind: "string" } as const;
    return { name, type, nullable: true };
  });
  const values = perFile.map((segs) => {
    const rec: Record<string, Scalar | null> = {};
    for (const f of fields) {
      const v = segs.find(([k]) => k === f.name)?.[1] ?? null;
      rec[f.name] = v === null
        ? null
        : f.type.kind === "int"
        ? BigInt(v)
        : f.type.kind === "date"
        ? daysFromCivil(
          Number(v.slice(0, 4)),
          Number(v.slice(5, 7)),
          Number(v.slice(8, 10)),
        )
        : v;
    }
    return rec;
  });
  return { fields, values };
}
