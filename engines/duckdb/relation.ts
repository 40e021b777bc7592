/**
 * The SQL of a dataset's view: every file read lazily, each column cast to
 * the resolved schema's type, partition values as constants, Delta column
 * mapping and deletion vectors applied. Everything here comes from the
 * resolved source (file system, Delta log), never from a request.
 */
import type { DataType, Field, Scalar } from "../../data/types.ts";
import { duckType, quoteIdent, ROW_FILE, ROW_NUM, scalarText } from "./sql.ts";
import type {
  NestedLayout,
  ResolvedSource,
  SourceFile,
} from "../../sources/types.ts";

/** A SQL string literal (for file paths: never a request's values, which are bound). */
export function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** A partition value as a typed SQL constant. */
function constant(f: Field, v: unknown): string {
  if (v === null || v === undefined) return `NULL::${duckType(f.type)}`;
  // Partition values arrive in the predicate Scalar layout.
  const text = scalarText(v as Scalar, f.type);
  return f.type.kind === "binary"
    ? `from_base64(${literal(text)})`
    : `CAST(${literal(text)} AS ${duckType(f.type)})`;
}

/**
 * SQL rebuilding a nested value of logical `type` from `expr`, whose struct
 * fields are named (or missing) as `layout` says. DuckDB casts structs by
 * field name, so renamed fields are repacked under their logical names; a
 * null struct stays null rather than becoming a struct of nulls.
 */
export function logicalValue(
  expr: string,
  type: DataType,
  layout: NestedLayout,
  depth = 0,
): string {
  if (layout.kind === "struct" && type.kind === "struct") {
    const fields = type.fields.map((f, i) => {
      const at = layout.fields[i];
      const value = !at || at.physical === null
        ? `NULL::${duckType(f.type)}`
        : nested(
          `struct_extract(${expr}, ${literal(at.physical)})`,
          f.type,
          at.layout,
          depth,
        );
      return `${quoteIdent(f.name)} := ${value}`;
    });
    return `CASE WHEN ${expr} IS NULL THEN NULL ELSE struct_pack(${
      fields.join(", ")
    }) END`;
  }
  // Lambda parameters are numbered by depth so nested lambdas never shadow.
  const v = `_dp_${depth}`;
  if (layout.kind === "list" && type.kind === "list") {
    return `list_transform(${expr}, lambda ${v}: ${
      logicalValue(v, type.item, layout.item, depth + 1)
    })`;
  }
  if (layout.kind === "map" && type.kind === "map") {
    const key = nested(`${v}.key`, type.key, layout.key, depth + 1);
    const value = nested(`${v}.value`, type.value, layout.value, depth + 1);
    return `map_from_entries(list_transform(map_entries(${expr}), lambda ${v}: {'key': ${key}, 'value': ${value}}))`;
  }
  throw new Error(`nested layout ${layout.kind} does not fit a ${type.kind}`);
}

function nested(
  expr: string,
  type: DataType,
  layout: NestedLayout | undefined,
  depth: number,
): string {
  return layout ? logicalValue(expr, type, layout, depth) : expr;
}

function fileSelect(
  source: ResolvedSource,
  file: SourceFile,
  index: number,
): string {
  const partitions = new Set(source.partitionColumns.map((f) => f.name));
  const missing = new Set(file.missingColumns ?? []);
  const unreliable = new Set(file.unreliableStats ?? []);
  const cols = source.schema.fields.map((f) => {
    const name = quoteIdent(f.name);
    if (partitions.has(f.name)) {
      return `${constant(f, file.partitionValues[f.name])} AS ${name}`;
    }
    if (missing.has(f.name)) return `NULL::${duckType(f.type)} AS ${name}`;
    let physical = quoteIdent(file.physicalNames?.[f.name] ?? f.name);
    // DuckDB knows no statistics of a TRY expression, so it neither prunes
    // row groups nor folds filters by the file's wrong ones.
    if (unreliable.has(f.name)) physical = `try(${physical})`;
    const layout = file.nestedLayouts?.[f.name];
    const value = layout ? logicalValue(physical, f.type, layout) : physical;
    return `CAST(${value} AS ${duckType(f.type)}) AS ${name}`;
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
