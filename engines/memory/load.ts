/**
 * Loading a memory dataset: the source decoded once into columns (through
 * engines/duckdb's public decodeColumns), kept as they come (dictionary
 * codes, typed arrays, mostly-distinct strings as UTF-8 bytes plus
 * offsets), then the equality indexes the dataset's policy asks for.
 */
import { decodeColumns, type DecodedTable } from "../duckdb/mod.ts";
import type { DatasetSpec, LoadedDataset } from "../engine.ts";
import { ApiError } from "../../data/errors.ts";
import type { ResolvedSource } from "../../sources/types.ts";
import { dictionaryColumn, type StoredColumn, valueWidth } from "./columns.ts";
import type { Table } from "./filter.ts";
import { buildIndex, type EqIndex } from "./index.ts";

export interface MemoryDataset extends LoadedDataset {
  readonly table: Table;
}

function log(fields: Record<string, unknown>): void {
  console.error(
    JSON.stringify({
      ts: new Date().toISOString(),
      level: "info",
      engine: "memory",
      ...fields,
    }),
  );
}

/** Refuses a dataset whose columns would need more than the spec's memory limit. */
function checkBudget(
  spec: DatasetSpec,
  source: ResolvedSource,
  rows: number,
): void {
  const fileBytes = source.files.reduce((a, f) => a + f.size, 0);
  const estimate = rows *
      source.schema.fields.reduce((a, f) => a + valueWidth(f.type) + 1, 0) +
    fileBytes * 2;
  if (estimate > spec.memoryLimitBytes) {
    throw new ApiError(
      507,
      "insufficient_memory",
      `dataset "${spec.name}" needs about ${
        Math.ceil(estimate / 2 ** 20)
      } MiB in memory, over memory_limit_bytes (${
        Math.floor(spec.memoryLimitBytes / 2 ** 20)
      } MiB); use the duckdb engine or raise the limit`,
    );
  }
}

/** The decoded columns as stored columns, by name; no values are copied. */
function storedColumns(decoded: DecodedTable): Map<string, StoredColumn> {
  const columns = new Map<string, StoredColumn>();
  for (const c of decoded.columns) {
    const { field, values, valid } = c;
    columns.set(
      field.name,
      c.dictionary
        ? dictionaryColumn(field, c.dictionary, values as Int32Array, valid)
        : { field, values, valid },
    );
  }
  return columns;
}

/** The equality indexes `spec` asks for, among the columns that fit its cardinality limit. */
function buildIndexes(
  spec: DatasetSpec,
  decoded: DecodedTable,
  columns: Map<string, StoredColumn>,
): Map<string, EqIndex> {
  const indexes = new Map<string, EqIndex>();
  const candidates = spec.mode === "none"
    ? []
    : spec.mode === "list"
    ? spec.indexColumns
    : [...columns.keys()];
  const limit = spec.mode === "list"
    ? Number.MAX_SAFE_INTEGER
    : spec.indexMaxCardinality;
  const distinct = new Map(
    decoded.columns.map((c) => [c.field.name, c.distinct ?? 0]),
  );
  for (const name of candidates) {
    const col = columns.get(name);
    // HyperLogLog is within a few percent: only clear misses are skipped
    // without the exact count buildIndex makes.
    if (!col || (distinct.get(name) ?? 0) > limit * 1.25) continue;
    const idx = buildIndex(col, decoded.rows, limit);
    if (idx) indexes.set(name, idx);
  }
  return indexes;
}

/** Decodes `source` and builds the dataset `spec` describes, logging progress and each phase's time. */
export async function loadDataset(
  spec: DatasetSpec,
  source: ResolvedSource,
  signal?: AbortSignal,
): Promise<MemoryDataset> {
  const started = performance.now();
  const decoded = await decodeColumns(source, {
    onCount: (rows) => checkBudget(spec, source, rows),
    onProgress: (p) => {
      if (p.slices < 2) return;
      log({
        msg: "loading",
        dataset: spec.name,
        rows_read: p.rowsRead,
        rows: p.rows,
        slice: `${p.slice}/${p.slices}`,
      });
    },
    signal,
  });
  let t = performance.now();
  const columns = storedColumns(decoded);
  const stored = performance.now() - t;
  t = performance.now();
  const indexes = buildIndexes(spec, decoded, columns);
  const rows = decoded.rows;
  log({
    msg: "loaded",
    dataset: spec.name,
    rows,
    indexed: [...indexes.keys()],
    ms: Math.round(performance.now() - started),
    phases_ms: {
      stats: decoded.ms.stats,
      strings: decoded.ms.dictionaries,
      read: Math.round(decoded.ms.read + stored),
      index: Math.round(performance.now() - t),
    },
  });
  const files = source.partitionColumns.length > 0 && source.files.length > 1
    ? { source, starts: decoded.fileStarts }
    : undefined;
  return {
    name: spec.name,
    schema: source.schema,
    rows,
    indexed: new Set(indexes.keys()),
    source,
    table: { rows, columns, indexes, files },
  };
}
