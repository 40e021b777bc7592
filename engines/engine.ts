/**
 * The one engine interface. Handlers and the reload logic talk to this, never
 * to DuckDB or the in-memory engine directly; engines see only validated plans.
 */
import type { PlanPredicate, QueryPlan } from "../query/types.ts";
import type { ResultBatch, Schema } from "../data/types.ts";
import type { ResolvedSource } from "../sources/types.ts";

export type EngineName = "duckdb" | "memory";

/** The per-dataset settings an engine may use while loading. */
export interface DatasetSpec {
  name: string;
  /** Equality-index policy (memory engine only). */
  mode: "auto" | "none" | "list";
  indexColumns: string[];
  indexMaxCardinality: number;
  /**
   * Refuse a load bigger than this (memory engine); the DuckDB engine keeps
   * a native table in memory up to this size.
   */
  memoryLimitBytes: number;
  /**
   * DuckDB engine: answer from a native table built in the background
   * ("table"), or from a view over the files only ("view"); "auto" (the
   * default) is a table when the data fits `memoryLimitBytes`, else the
   * view. A "table" bigger than that lives in a database file.
   */
  storage?: "auto" | "table" | "view";
}

/** A dataset ready to answer queries. Immutable once published: reload builds a new one. */
export interface LoadedDataset {
  readonly name: string;
  readonly schema: Schema;
  readonly rows: number;
  /** Columns with an equality index (empty for DuckDB). */
  readonly indexed: ReadonlySet<string>;
  readonly source: ResolvedSource;
}

export interface Engine {
  readonly name: EngineName;
  /** Builds a dataset aside; the caller publishes it. Must not disturb datasets already loaded. */
  load(
    spec: DatasetSpec,
    source: ResolvedSource,
    signal?: AbortSignal,
  ): Promise<LoadedDataset>;
  /** Rows `plan.offset .. plan.offset + plan.take` in plan order, as one columnar batch. */
  query(
    ds: LoadedDataset,
    plan: QueryPlan,
    signal: AbortSignal,
  ): Promise<ResultBatch>;
  /**
   * The same rows as `query` but yielded in batches, for exports of a whole
   * result without buffering it; batch k has about `streamBatchRows(k)` rows.
   */
  stream(
    ds: LoadedDataset,
    plan: QueryPlan,
    signal: AbortSignal,
  ): AsyncIterable<ResultBatch>;
  count(
    ds: LoadedDataset,
    filters: PlanPredicate[],
    signal: AbortSignal,
  ): Promise<number>;
  /** Frees a dataset once no request uses it any more. */
  close(ds: LoadedDataset): Promise<void>;
  /**
   * Bytes of memory `ds` holds beyond its source files (0 for an engine
   * that reads the files at query time): decides whether a replaced
   * version can stay beside the new one.
   */
  heldBytes(ds: LoadedDataset): number;
  /**
   * What answers `ds` now: the DuckDB engine's view of the files or its
   * native table (once built), or the memory engine's columns.
   */
  storage(ds: LoadedDataset): "view" | "table" | "memory";
  /**
   * Whether the engine is still building, in the background, what will
   * make `ds` faster: the DuckDB engine's native table, the memory
   * engine's equality indexes. Answers are the same either way.
   */
  building(ds: LoadedDataset): boolean;
  /** Connections checked out by running requests (a gauge in /metrics). */
  connectionsInUse(): number;
  /** Frees the engine itself (pools, database handles). */
  shutdown(): Promise<void>;
}

/**
 * Rows in an export's batch number `k` (from 0): small at first, growing to
 * 16,384. A client that left before the first bytes is only found out when
 * a write fails, so each such export costs the server its first batches:
 * kept small, a flood of abandoned exports stays cheap, and the first bytes
 * leave sooner.
 */
export function streamBatchRows(k: number): number {
  return 1024 << Math.min(k, 4);
}
