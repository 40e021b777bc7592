/**
 * Parquet min/max statistics that are known to be wrong, so engines never
 * skip rows by them. DuckDB trusts every statistic it finds; the writers
 * below wrote some that contradict the data:
 *
 * - The deprecated `min`/`max` fields hold values "determined by signed
 *   comparison only" (parquet-format). For INT32/INT64 (not unsigned),
 *   FLOAT, DOUBLE and BOOLEAN that is the type's order. For BYTE_ARRAY and
 *   FIXED_LEN_BYTE_ARRAY it is Java's signed byte comparison (PARQUET-686),
 *   which orders neither UTF-8 text (unsigned bytes) nor big-endian
 *   decimals: parquet-mr < 1.10 wrote `fixed_length_decimal.parquet`'s
 *   min 2.00 and max 24.00 over values 1.00…24.00. parquet-mr and Arrow
 *   accept such values only when min equals max, as here.
 * - parquet-mr before 1.8.0 (PARQUET-251), or a writer that does not say
 *   who it is (PARQUET-297), may have written byte-array statistics of
 *   other rows entirely: not even an equal min and max are trusted.
 * - parquet-cpp, and parquet-cpp-arrow before 4.0.0 (PARQUET-1655),
 *   compared FIXED_LEN_BYTE_ARRAY decimals as unsigned bytes, also in the
 *   newer `min_value`/`max_value` fields.
 * - INT96 has no defined order, whatever the field.
 */
import {
  type FileMetaData,
  parquetSchema,
  type SchemaElement,
  type SchemaTree,
  type Statistics,
} from "hyparquet";

/** A `created_by` string taken apart: `parquet-mr version 1.8.2 (build …)`. */
interface Writer {
  app: string;
  /** [major, minor, patch]; null when the string gives none. */
  version: [number, number, number] | null;
}

/**
 * The top-level columns of a parquet file (by their names in the file)
 * holding at least one leaf whose min/max statistics, in some row group,
 * are known to be wrong.
 */
export function unreliableStatistics(meta: FileMetaData): string[] {
  const writer = parseWriter(meta.created_by);
  const leaves = leafElements(parquetSchema(meta));
  const out = new Set<string>();
  for (const group of meta.row_groups) {
    for (const chunk of group.columns) {
      const path = chunk.meta_data?.path_in_schema;
      const stats = chunk.meta_data?.statistics;
      if (!path || !stats) continue;
      const leaf = leaves.get(path.join("\u0000"));
      if (leaf && !trusted(stats, leaf, writer)) out.add(path[0]!);
    }
  }
  return [...out];
}

function trusted(
  stats: Statistics,
  leaf: SchemaElement,
  writer: Writer,
): boolean {
  const typed = stats.min_value !== undefined ||
    stats.max_value !== undefined;
  const legacy = stats.min !== undefined || stats.max !== undefined;
  if (!typed && !legacy) return true;
  if (leaf.type === "INT96") return false;
  const byteArray = leaf.type === "BYTE_ARRAY" ||
    leaf.type === "FIXED_LEN_BYTE_ARRAY";
  if (typed) {
    return !(leaf.type === "FIXED_LEN_BYTE_ARRAY" && isDecimal(leaf) &&
      (writer.app === "parquet-cpp" ||
        (writer.app === "parquet-cpp-arrow" && before(writer, [4, 0, 0]))));
  }
  if (!byteArray && !isUnsigned(leaf)) return true;
  if (
    byteArray &&
    (writer.app === "" || (writer.app === "parquet-mr" &&
      before(writer, [1, 8, 0])))
  ) return false;
  // A single value is in order under any comparison; decimals come out of
  // hyparquet as floats, which may look equal when they are not.
  return !isDecimal(leaf) && sameValue(stats.min, stats.max);
}

/** Leaf schema elements by their path (names joined by NUL). */
function leafElements(root: SchemaTree): Map<string, SchemaElement> {
  const out = new Map<string, SchemaElement>();
  const walk = (node: SchemaTree, path: string[]) => {
    if (node.children.length === 0) {
      out.set(path.join("\u0000"), node.element);
      return;
    }
    for (const child of node.children) {
      walk(child, [...path, child.element.name]);
    }
  };
  walk(root, []);
  return out;
}

function isDecimal(e: SchemaElement): boolean {
  return e.converted_type === "DECIMAL" || e.logical_type?.type === "DECIMAL";
}

function isUnsigned(e: SchemaElement): boolean {
  return /^UINT_/.test(e.converted_type ?? "") ||
    (e.logical_type?.type === "INTEGER" && !e.logical_type.isSigned);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (a instanceof Date && b instanceof Date) {
    return a.getTime() === b.getTime();
  }
  return a !== undefined && a === b;
}

/** The writer named by `created_by`; app "" when the file does not say. */
function parseWriter(createdBy: string | undefined): Writer {
  const m = /^\s*(.*?)\s+version\s+(\d+)\.(\d+)(?:\.(\d+))?/i.exec(
    createdBy ?? "",
  );
  if (!m) {
    return { app: (createdBy ?? "").trim().toLowerCase(), version: null };
  }
  return {
    app: m[1]!.toLowerCase(),
    version: [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)],
  };
}

/** Whether `writer` is older than `version`; an unknown version counts as older. */
function before(writer: Writer, version: [number, number, number]): boolean {
  if (!writer.version) return true;
  for (let i = 0; i < 3; i++) {
    if (writer.version[i] !== version[i]) {
      return writer.version[i]! < version[i]!;
    }
  }
  return false;
}
