/**
 * Loading a memory dataset: the source decoded once into columns (through
 * engines/duckdb's public decodeColumns), kept as they come (dictionary
 * codes, typed arrays, mostly-distinct strings as UTF-8 bytes plus
 * offsets), then the equality indexes the dataset's policy asks for:
 * before the load ends for a small dataset, in the background for a big one.
 */
import {
  type Codes,
  decodeColumns,
  type DecodedTable,
  returnFreedMemory,
} from "../duckdb/mod.ts";
import type { DatasetSpec, LoadedDataset } from "../engine.ts";
import { ApiError } from "../../data/errors.ts";
import type { ResolvedSource } from "../../sources/types.ts";
import { dictionaryColumn, type StoredColumn, valueWidth } from "./columns.ts";
import type { Table } from "./filter.ts";
import type { EqIndex } from "./index.ts";
import { buildIndex, indexSteps } from "./index_build.ts";
import { pause } from "./steps.ts";

function log(
  fields: Record<string, unknown>,
  level: "info" | "warn" = "info",
): void {
  console.error(
    JSON.stringify({
      ts: new Date().toISOString(),
      level,
      engine: "memory",
      ...fields,
    }),
  );
}

/**
 * The decode's and the index build's freed memory would otherwise stay
 * resident for seconds or for good (engines/duckdb/allocator.ts). Only big
 * tables pay for the flush (10–40 ms, and the trim's stall): a catalogue
 * of small ones would add it to every start. Failing to hand memory back
 * costs memory, not answers, so it never fails a load.
 */
async function releaseGarbage(dataset: string): Promise<void> {
  try {
    await returnFreedMemory();
  } catch (e) {
    log({
      msg: "could not return freed memory to the OS",
      dataset,
      error: e instanceof Error ? e.message : String(e),
    }, "warn");
  }
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
        ? dictionaryColumn(field, c.dictionary, values as Codes, valid)
        : { field, values, valid },
    );
  }
  return columns;
}

/**
 * Datasets of at least this many rows get their equality indexes after
 * the load, in the background: the load ends as soon as the columns are
 * in (an index only makes lookups faster, and building a 2M-row table's
 * took 0.7 s of a 3.8 s load). Smaller ones are indexed before the load ends.
 */
export const BACKGROUND_INDEX_ROWS = 250_000;

export interface MemoryDataset extends LoadedDataset {
  readonly table: Table;
  /** Columns whose equality index is built; grows while `indexing` runs. */
  readonly indexed: Set<string>;
  /** Settles once every index the spec asks for is built, or the build stopped. */
  readonly indexing: Promise<void>;
  /** Stops an index build still running (the version closed). */
  readonly stopIndexing: AbortController;
}

/** The columns `spec` asks to index, with the most distinct values each may have. */
function indexCandidates(
  spec: DatasetSpec,
  decoded: DecodedTable,
): { names: string[]; limit: number } {
  const names = spec.mode === "none"
    ? []
    : spec.mode === "list"
    ? spec.indexColumns
    : decoded.columns.map((c) => c.field.name);
  const limit = spec.mode === "list"
    ? Number.MAX_SAFE_INTEGER
    : spec.indexMaxCardinality;
  const distinct = new Map(
    decoded.columns.map((c) => [c.field.name, c.distinct ?? 0]),
  );
  // HyperLogLog is within a few percent: only clear misses are skipped
  // without the exact count buildIndex makes.
  return {
    names: names.filter((n) => (distinct.get(n) ?? 0) <= limit * 1.25),
    limit,
  };
}

/** Puts a built index in; a column that turned out too diverse has none. */
function addIndex(ds: MemoryDataset, name: string, idx: EqIndex | null): void {
  if (!idx) return;
  ds.table.indexes.set(name, idx);
  ds.indexed.add(name);
}

/**
 * Indexes the columns one by one, in slices of a few ms (steps.ts) with
 * requests served in between; until a column's index is in, predicates on
 * it scan (same answers, slower).
 */
async function indexAside(
  ds: MemoryDataset,
  names: string[],
  limit: number,
  stop: AbortSignal,
): Promise<void> {
  const started = performance.now();
  // One slot per row while a column is indexed, shared by the columns.
  const scratch = new Int32Array(ds.rows);
  try {
    for (const name of names) {
      const col = ds.table.columns.get(name);
      if (!col) continue;
      const steps = indexSteps(col, ds.rows, limit, scratch);
      for (;;) {
        await pause();
        if (stop.aborted) return;
        const step = steps.next();
        if (step.done) {
          addIndex(ds, name, step.value);
          break;
        }
      }
    }
  } catch (e) {
    log({
      msg: "index build failed; predicates scan",
      dataset: ds.name,
      error: e instanceof Error ? e.message : String(e),
    }, "warn");
    return;
  }
  log({
    msg: "indexed",
    dataset: ds.name,
    indexed: [...ds.indexed],
    ms: Math.round(performance.now() - started),
  });
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
  const rows = decoded.rows;
  const files = source.partitionColumns.length > 0 && source.files.length > 1
    ? { source, starts: decoded.fileStarts }
    : undefined;
  const stopIndexing = new AbortController();
  const ds: MemoryDataset = {
    name: spec.name,
    schema: source.schema,
    rows,
    indexed: new Set(),
    source,
    table: { rows, columns, indexes: new Map(), files },
    indexing: Promise.resolve(),
    stopIndexing,
  };
  const { names, limit } = indexCandidates(spec, decoded);
  const aside = rows >= BACKGROUND_INDEX_ROWS;
  t = performance.now();
  if (!aside) {
    const scratch = new Int32Array(rows);
    for (const name of names) {
      const col = columns.get(name);
      if (col) addIndex(ds, name, buildIndex(col, rows, limit, scratch));
    }
  }
  log({
    msg: "loaded",
    dataset: spec.name,
    rows,
    indexed: aside ? "building" : [...ds.indexed],
    ms: Math.round(performance.now() - started),
    phases_ms: {
      stats: decoded.ms.stats,
      strings: decoded.ms.dictionaries,
      read: Math.round(decoded.ms.read + stored),
      index: Math.round(performance.now() - t),
    },
  });
  if (aside) {
    (ds as { indexing: Promise<void> }).indexing = indexAside(
      ds,
      names,
      limit,
      stopIndexing.signal,
    ).finally(() => releaseGarbage(ds.name));
  }
  return ds;
}
