/**
 * Reads a ResolvedSource the way an engine would, with DuckDB: each file by
 * physical column names (nested renamed fields repacked as the DuckDB engine
 * does), deleted row positions dropped by `file_row_number`, partition
 * values added as typed constants.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { DataType, Scalar } from "../../../data/types.ts";
import type { ResolvedSource } from "../../../sources/types.ts";
import { type CanonicalRows, canonicalRows } from "./_canonical.ts";
import { logicalValue } from "../../../engines/duckdb/relation.ts";
import { duckType as nestedType } from "../../../engines/duckdb/sql.ts";

export async function readResolved(
  conn: DuckDBConnection,
  source: ResolvedSource,
  columns: string[],
): Promise<CanonicalRows> {
  if (source.files.length === 0) return { columns, rows: [] };
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const partition = new Set(source.partitionColumns.map((f) => f.name));
  const selects: string[] = [];
  for (const file of source.files) {
    const present = new Set(
      (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet($1)`, [
        file.path,
      ]))
        .getRowsJS().map((r) => String(r[0])),
    );
    const exprs = source.schema.fields.map((field) => {
      const out = quote(field.name);
      if (partition.has(field.name)) {
        return `${
          constant(file.partitionValues[field.name] ?? null, field.type, param)
        } AS ${out}`;
      }
      const physical = file.physicalNames?.[field.name] ?? field.name;
      const layout = file.nestedLayouts?.[field.name];
      return present.has(physical)
        ? `${
          layout
            ? `CAST(${logicalValue(quote(physical), field.type, layout)} AS ${
              nestedType(field.type)
            })`
            : quote(physical)
        } AS ${out}`
        : `CAST(NULL AS ${duckType(field.type)}) AS ${out}`;
    });
    const deleted = file.deletedRows && file.deletedRows.length > 0
      ? `WHERE file_row_number NOT IN (${
        Array.from(file.deletedRows).join(",")
      })`
      : "";
    selects.push(
      `SELECT ${exprs.join(", ")} FROM read_parquet(${
        param(file.path)
      }, file_row_number = true) ${deleted}`,
    );
  }
  return await canonicalRows(
    conn,
    selects.join(" UNION ALL "),
    params,
    columns,
  );
}

function constant(
  value: Scalar | null,
  type: DataType,
  param: (v: unknown) => string,
): string {
  const t = duckType(type);
  if (value === null) return `CAST(NULL AS ${t})`;
  switch (type.kind) {
    case "date":
      return `CAST(DATE '1970-01-01' + CAST(${
        param(String(value))
      } AS INTEGER) AS DATE)`;
    case "timestamp":
      return `make_timestamp(CAST(${param(String(value))} AS BIGINT))`;
    case "decimal": {
      const d = value as { unscaled: bigint; scale: number };
      const neg = d.unscaled < 0n;
      const digits = (neg ? -d.unscaled : d.unscaled).toString().padStart(
        d.scale + 1,
        "0",
      );
      const text = d.scale === 0
        ? digits
        : `${digits.slice(0, -d.scale)}.${digits.slice(-d.scale)}`;
      return `CAST(${param((neg ? "-" : "") + text)} AS ${t})`;
    }
    default:
      return `CAST(${param(String(value))} AS ${t})`;
  }
}

export function duckType(type: DataType): string {
  switch (type.kind) {
    case "bool":
      return "BOOLEAN";
    case "int":
      return {
        8: "TINYINT",
        16: "SMALLINT",
        32: "INTEGER",
        64: "BIGINT",
      }[type.bits];
    case "float":
      return type.bits === 32 ? "FLOAT" : "DOUBLE";
    case "decimal":
      return `DECIMAL(${type.precision},${type.scale})`;
    case "string":
      return "VARCHAR";
    case "binary":
      return "BLOB";
    case "date":
      return "DATE";
    case "timestamp":
      return type.utc ? "TIMESTAMPTZ" : "TIMESTAMP";
    default:
      throw new Error(`no partition constant for ${type.kind}`);
  }
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
