/**
 * The in-memory engine: a dataset is decoded once into typed columns
 * (load.ts), strings are dictionary-encoded or kept as UTF-8 bytes, chosen
 * columns get equality indexes, and queries run over those columns in JS
 * with DuckDB's semantics.
 */
import {
  type DatasetSpec,
  type Engine,
  type LoadedDataset,
  streamBatchRows,
} from "../engine.ts";
import type { Field, ResultBatch } from "../../data/types.ts";
import type { PlanPredicate, QueryPlan } from "../../query/types.ts";
import type { ResolvedSource } from "../../sources/types.ts";
import type { StoredColumn } from "./columns.ts";
import { countRows, select, type Table } from "./filter.ts";
import { gather } from "./gather.ts";
import { groupRows } from "./group.ts";
import { loadDataset, type MemoryDataset } from "./load.ts";
import { comparator, orderBounds, topRows } from "./order.ts";
import { tableBytes } from "./size.ts";
import { pause } from "./steps.ts";

export type { MemoryDataset };

function range(from: number, to: number): Int32Array {
  const out = new Int32Array(Math.max(0, to - from));
  for (let i = 0; i < out.length; i++) out[i] = from + i;
  return out;
}

// Unfiltered sorts and groups walk every row id: one shared list per table
// (4 bytes a row) instead of a fresh one per query.
const everyRow = new WeakMap<Table, Int32Array>();

function allRows(t: Table): Int32Array {
  let rows = everyRow.get(t);
  if (!rows) everyRow.set(t, rows = range(0, t.rows));
  return rows;
}

export class MemoryEngine implements Engine {
  readonly name = "memory" as const;
  /** Datasets whose indexes are still being built (load.ts). */
  #indexing = new Set<MemoryDataset>();

  async load(
    spec: DatasetSpec,
    source: ResolvedSource,
    signal?: AbortSignal,
  ): Promise<LoadedDataset> {
    const ds = await loadDataset(spec, source, signal);
    this.#indexing.add(ds);
    ds.indexing.finally(() => this.#indexing.delete(ds));
    return ds;
  }

  /** Every result row id in plan order (before paging), plus the table it indexes. */
  #ordered(
    ds: MemoryDataset,
    plan: QueryPlan,
    limit: number,
  ): { rows: Int32Array; columns: (name: string) => StoredColumn } {
    const t = ds.table;
    const sel = select(t, plan.filters);
    const base = (name: string) => t.columns.get(name)!;
    if (plan.kind === "rows") {
      if (plan.orderBy.length === 0) {
        const from = plan.offset, to = plan.offset + limit;
        const rows = sel === null
          ? range(from, Math.min(to, t.rows))
          : sel.subarray(from, to);
        return { rows, columns: base };
      }
      const keys = plan.orderBy.map((o) => ({
        col: base(o.col),
        desc: o.dir === "desc",
      }));
      const rows = sel ?? allRows(t);
      return {
        rows: topRows(
          rows,
          plan.offset + limit,
          comparator(keys),
          orderBounds(keys[0]!, rows),
        ).subarray(plan.offset),
        columns: base,
      };
    }
    const g = groupRows(
      sel ?? allRows(t),
      plan.columns.map(base),
      plan.aggregations,
      base,
    );
    const out = (name: string) => g.columns.get(name)!;
    const cmp = comparator(
      plan.orderBy.map((o) => ({ col: out(o.col), desc: o.dir === "desc" })),
    );
    return {
      rows: topRows(range(0, g.size), plan.offset + limit, cmp).subarray(
        plan.offset,
      ),
      columns: out,
    };
  }

  #batch(
    fields: Field[],
    rows: ArrayLike<number>,
    columns: (name: string) => StoredColumn,
  ): ResultBatch {
    return {
      length: rows.length,
      columns: fields.map((f) => gather(columns(f.name), rows, f)),
    };
  }

  query(
    ds: LoadedDataset,
    plan: QueryPlan,
    signal: AbortSignal,
  ): Promise<ResultBatch> {
    signal.throwIfAborted();
    const { rows, columns } = this.#ordered(
      ds as MemoryDataset,
      plan,
      plan.take,
    );
    return Promise.resolve(this.#batch(plan.output, rows, columns));
  }

  async *stream(
    ds: LoadedDataset,
    plan: QueryPlan,
    signal: AbortSignal,
  ): AsyncIterable<ResultBatch> {
    const { rows, columns } = this.#ordered(
      ds as MemoryDataset,
      plan,
      plan.take,
    );
    for (let at = 0, k = 0; at < rows.length; k++) {
      signal.throwIfAborted();
      const to = at + streamBatchRows(k);
      yield this.#batch(plan.output, rows.subarray(at, to), columns);
      at = to;
      // Let other requests run between batches of a long export.
      await pause();
    }
  }

  count(
    ds: LoadedDataset,
    filters: PlanPredicate[],
    signal: AbortSignal,
  ): Promise<number> {
    signal.throwIfAborted();
    return Promise.resolve(countRows((ds as MemoryDataset).table, filters));
  }

  close(ds: LoadedDataset): Promise<void> {
    // Columns are garbage once the registry drops the dataset; an index
    // still being built would only be thrown away.
    (ds as MemoryDataset).stopIndexing.abort();
    return Promise.resolve();
  }

  heldBytes(ds: LoadedDataset): number {
    return tableBytes((ds as MemoryDataset).table);
  }

  storage(_ds: LoadedDataset): "memory" {
    return "memory";
  }

  building(ds: LoadedDataset): boolean {
    return this.#indexing.has(ds as MemoryDataset);
  }

  /** The memory engine holds no connections. */
  connectionsInUse(): number {
    return 0;
  }

  async shutdown(): Promise<void> {
    const building = [...this.#indexing];
    for (const ds of building) ds.stopIndexing.abort();
    await Promise.all(building.map((ds) => ds.indexing));
  }
}
