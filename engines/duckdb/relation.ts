/**
 * The SQL of a dataset's view: every file read lazily, each column cast to
 * the resolved schema's type, partition values as constants, Delta column
 * mapping and deletion vectors applied. Everything here comes from the
 * resolved source (file system, Delta log), never from a request.
 */
import type { Decimal, Field } from "../../query/types.ts";
import { duckType, quoteIdent, ROW_FILE, ROW_NUM } from "../../query/sql.ts";
import type { ResolvedSource, SourceFile } from "../../sources/types.ts";
import { decimalText, valueJson } from "../../encode/values.ts";

function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** A partition value as a typed SQL constant. */
function constant(f: Field, v: unknown): string {
  if (v === null || v === undefined) return `NULL::${duckType(f.type)}`;
  // Partition decimals arrive as {unscaled, scale} (the predicate Scalar layout).
  const json = f.type.kind === "decimal" && typeof v === "object"
    ? JSON.stringify(decimalText((v as Decimal).unscaled, (v as Decimal).scale))
    : valueJson(f.type, v as never);
  const text = json.startsWith('"') ? JSON.parse(json) as string : json;
  return f.type.kind === "binary"
    ? `from_base64(${literal(text)})`
    : `CAST(${literal(text)} AS ${duckType(f.type)})`;
}

function fileSelect(
  source: ResolvedSource,
  file: SourceFile,
  index: number,
): string {
  const partitions = new Set(source.partitionColumns.map((f) => f.name));
  const missing = new Set(
    (file as SourceFile & { missingColumns?: string[] }).missingColumns ?? [],
  );
  const cols = source.schema.fields.map((f) => {
    const name = quoteIdent(f.name);
    if (partitions.has(f.name)) {
      return `${constant(f, file.partitionValues[f.name])} AS ${name}`;
    }
    if (missing.has(f.name)) return `NULL::${duckType(f.type)} AS ${name}`;
    const physical = quoteIdent(file.physicalNames?.[f.name] ?? f.name);
    return `CAST(${physical} AS ${duckType(f.type)}) AS ${name}`;
  });
  cols.push(`${index} AS ${ROW_FILE}`, `file_row_number AS ${ROW_NUM}`);
  let sql = `SELECT ${cols.join(", ")} FROM read_parquet(${
    literal(file.path)
  }, file_row_number = true)`;
  if (file.deletedRows && file.deletedRows.length > 0) {
    sql += ` WHERE file_row_number NOT IN (SELECT unnest([${
      Array.from(file.deletedRows, (r) => String(Math.trunc(r))).join(",")
    }]::BIGINT[]))`;
  }
  return sql;
}

/** The SELECT that defines the dataset over `files` (a subset after pruning). */
export function relationSql(
  source: ResolvedSource,
  files: SourceFile[],
): string {
  if (files.length === 0) {
    const cols = source.schema.fields.map((f) =>
      `NULL::${duckType(f.type)} AS ${quoteIdent(f.name)}`
    );
    cols.push(`0 AS ${ROW_FILE}`, `0::BIGINT AS ${ROW_NUM}`);
    return `SELECT ${cols.join(", ")} WHERE false`;
  }
  return files.map((f) => fileSelect(source, f, source.files.indexOf(f)))
    .join(" UNION ALL ");
}
