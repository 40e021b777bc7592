/**
 * One schema for many parquet files: columns missing from some files become
 * nullable (and are filled with nulls for those files), integers and floats
 * widen, anything else is refused naming both files and the column.
 */
import type { DataType, Field, Schema } from "../data/types.ts";
import { typeName } from "../data/type_name.ts";

export interface UnifiedSchema {
  fields: Field[];
  /** Per file, the unified columns it does not hold (empty = none). */
  missing: string[][];
}

/** Why two files cannot be read as one dataset. */
export interface Conflict {
  column: string;
  /** Indexes of the file that set the type so far and of the file that disagrees. */
  first: number;
  second: number;
  firstType: string;
  secondType: string;
}

/** Unifies per-file schemas, columns in first-seen order; a Conflict when two disagree. */
export function unifySchemas(schemas: Schema[]): UnifiedSchema | Conflict {
  const cols = new Map<string, { field: Field; from: number; count: number }>();
  for (let i = 0; i < schemas.length; i++) {
    for (const f of schemas[i]!.fields) {
      const cur = cols.get(f.name);
      if (!cur) {
        cols.set(f.name, { field: { ...f }, from: i, count: 1 });
        continue;
      }
      const type = widen(cur.field.type, f.type);
      if (!type) {
        return {
          column: f.name,
          first: cur.from,
          second: i,
          firstType: typeName(cur.field.type),
          secondType: typeName(f.type),
        };
      }
      cur.field = {
        name: f.name,
        type,
        nullable: cur.field.nullable || f.nullable,
      };
      cur.count++;
    }
  }
  const fields = [...cols.values()].map((c) =>
    c.count < schemas.length ? { ...c.field, nullable: true } : c.field
  );
  const missing = schemas.map((s) => {
    const have = new Set(s.fields.map((f) => f.name));
    return fields.filter((f) => !have.has(f.name)).map((f) => f.name);
  });
  return { fields, missing };
}

/** The type both `a` and `b` convert to without loss, or null. */
export function widen(a: DataType, b: DataType): DataType | null {
  if (typeName(a) === typeName(b)) return a;
  if (a.kind === "int" && b.kind === "int") return widenInt(a, b);
  if (a.kind === "float" && b.kind === "float") {
    return { kind: "float", bits: 64 };
  }
  return null;
}

type IntType = Extract<DataType, { kind: "int" }>;

function widenInt(a: IntType, b: IntType): IntType | null {
  if (a.signed === b.signed) return a.bits >= b.bits ? a : b;
  // Mixed signs: a signed type strictly wider than the unsigned one holds both.
  const [s, u] = a.signed ? [a, b] : [b, a];
  return s.bits > u.bits ? s : null;
}
