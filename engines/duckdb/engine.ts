/**
 * The DuckDB engine: datasets are lazy views over their parquet files, so
 * loading costs a footer read, and every request runs on its own pooled
 * connection. With `storage: "table"` (the default when the data fits the
 * memory limit) the view answers at once while a native DuckDB table is
 * built from it in the background (tables.ts); the table then takes over,
 * same version, same answers.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import {
  type DatasetSpec,
  type Engine,
  type LoadedDataset,
  streamBatchRows,
} from "../engine.ts";
import {
  buildCountSql,
  buildQuerySql,
  firstKeyBoundApplies,
  quoteIdent,
  type Sql,
} from "./sql.ts";
import type { PlanPredicate, QueryPlan } from "../../query/types.ts";
import type { DataType, ResultBatch } from "../../data/types.ts";
import { pruneFiles } from "../../sources/prune.ts";
import type { ResolvedSource } from "../../sources/types.ts";
import { run } from "./errors.ts";
import { PinStore } from "./pins.ts";
import { ConnectionPool } from "./pool.ts";
import { readBatch, readBatches, readMaterialized } from "./read.ts";
import { literal, relationSql } from "./relation.ts";
import { TableBuilder } from "./tables.ts";

/** Pages up to this many rows are read from a materialized result. */
const MATERIALIZE_ROWS = 10_000;

interface DuckDataset extends LoadedDataset {
  readonly view: string;
  /** Directory of hard links pinning this version's files, removed on close. */
  readonly pinDir: string | null;
  /** The native table once built (it then answers instead of the view). */
  table: string | null;
  /** Non-NULL values per column of the table (scalar columns). */
  nonNull: Map<string, number>;
  /** Estimated bytes of the data (parquet's uncompressed page sizes). */
  readonly bytes: number;
  /** Stops a table build still running when the version closes. */
  readonly building: AbortController | null;
  /** Settles when the table build (if any) is done, swapped in or not. */
  readonly built: Promise<void>;
  /** Until `built` settles. */
  tableBuilding: boolean;
  closed: boolean;
}

export interface DuckDBEngineOptions {
  /** DuckDB worker threads; defaults to the number of cores. */
  threads?: number;
  /** Folder for pinned files (pins.ts); a temp folder when unset. */
  pinRoot?: string;
  /** Folder for table database files (tables.ts); a temp folder when unset. */
  tableRoot?: string;
  /** DuckDB's memory limit (e.g. "64MB"); DuckDB's default (80 % of RAM) when unset. */
  memoryLimit?: string;
}

/** Info lines as server/log.ts writes them (engines do not import server/). */
const logInfo = ["info", "debug"].includes(
  Deno.env.get("DATAPRESS_LOG") ?? "",
);
function log(level: "info" | "warn", fields: Record<string, unknown>): void {
  if (level === "info" && !logInfo) return;
  console.error(JSON.stringify({
    ts: new Date().toISOString(),
    level,
    engine: "duckdb",
    ...fields,
  }));
}

export class DuckDBEngine implements Engine {
  readonly name = "duckdb" as const;
  #instance: DuckDBInstance;
  #pool: ConnectionPool;
  #pins: PinStore;
  #tableDirs: PinStore;
  #tables: TableBuilder;
  /** Table builds not yet swapped in (or given up). */
  #building = new Set<Promise<void>>();
  #loads = 0;

  private constructor(
    instance: DuckDBInstance,
    pool: ConnectionPool,
    pins: PinStore,
    tableDirs: PinStore,
  ) {
    this.#instance = instance;
    this.#pool = pool;
    this.#pins = pins;
    this.#tableDirs = tableDirs;
    this.#tables = new TableBuilder(instance, () => tableDirs.scratch());
  }

  static async create(opts: DuckDBEngineOptions = {}): Promise<DuckDBEngine> {
    const cores = navigator.hardwareConcurrency || 2;
    const instance = await DuckDBInstance.create(":memory:", {
      threads: String(opts.threads ?? cores),
      ...(opts.memoryLimit ? { memory_limit: opts.memoryLimit } : {}),
    });
    const setup = await instance.connect();
    // Zone-aware parquet timestamps are cast to UTC wall-clock time.
    await setup.run("LOAD icu; SET GLOBAL TimeZone = 'UTC'");
    // GeoParquet geometry is the WKB binary it is stored as (sources/ types
    // it so); DuckDB would read it as GEOMETRY, which casts to nothing.
    await setup.run("SET GLOBAL enable_geoparquet_conversion = false");
    // Memory must come back after load (the soak's 15 % target): each
    // version is read through new pinned paths, so DuckDB's external file
    // cache only ever gained entries for files no one reads again (the OS
    // page cache serves rereads); and freed allocator memory above 16 MB per
    // thread is returned instead of kept (RSS 23.8 % over the post-load
    // level after a 2-minute soak → within a few %).
    await setup.run(
      "SET GLOBAL enable_external_file_cache = false; " +
        "SET GLOBAL allocator_flush_threshold = '16MB'; " +
        "SET GLOBAL allocator_background_threads = true",
    );
    setup.closeSync();
    const pool = await ConnectionPool.create(instance, Math.max(2, cores));
    const pins = await PinStore.open(
      opts.pinRoot ?? await Deno.makeTempDir({ prefix: "datapress-pins-" }),
    );
    const tableDirs = await PinStore.open(
      opts.tableRoot ??
        await Deno.makeTempDir({ prefix: "datapress-tables-" }),
    );
    return new DuckDBEngine(instance, pool, pins, tableDirs);
  }

  /** Settles once no table is being built (tests, benchmarks). */
  async tablesBuilt(): Promise<void> {
    while (this.#building.size > 0) await Promise.all(this.#building);
  }

  /** The native tables held (tests: none may outlive its version). */
  storedTables(): Promise<string[]> {
    return this.#tables.list();
  }

  /** "table" once the dataset's native table answers, else "view". */
  storage(ds: LoadedDataset): "table" | "view" {
    return (ds as DuckDataset).table ? "table" : "view";
  }

  building(ds: LoadedDataset): boolean {
    return (ds as DuckDataset).tableBuilding;
  }

  async load(
    spec: DatasetSpec,
    resolved: ResolvedSource,
    signal?: AbortSignal,
  ): Promise<LoadedDataset> {
    const view = `ds_${++this.#loads}`;
    const { source, dir: pinDir } = await this.#pins.pin(resolved);
    const sql = `CREATE VIEW ${quoteIdent(view)} AS ${
      relationSql(source, source.files)
    }`;
    const storage = spec.storage ?? "auto";
    const { rows, bytes } = await this.#pool.use(signal, async (conn) => {
      try {
        await conn.run(sql);
        const r = await conn.runAndReadAll(
          `SELECT count(*)::BIGINT AS n FROM ${quoteIdent(view)}`,
        );
        const rows = Number(r.getRows()[0]![0] as bigint);
        // The footers again, for the size of their pages once decompressed.
        const b = storage === "view" || source.files.length === 0 ? 0 : Number(
          (await conn.runAndReadAll(
            `SELECT coalesce(sum(total_uncompressed_size), 0)::BIGINT
               FROM parquet_metadata([${
              source.files.map((f) => literal(f.path)).join(", ")
            }])`,
          )).getRows()[0]![0] as bigint,
        );
        return { rows, bytes: b };
      } catch (e) {
        await conn.run(`DROP VIEW IF EXISTS ${quoteIdent(view)}`);
        await this.#pins.unpin(pinDir);
        throw e;
      }
    });
    const table = rows > 0 && (storage === "table" ||
      (storage === "auto" && bytes <= spec.memoryLimitBytes));
    const building = table ? new AbortController() : null;
    const ds: DuckDataset = {
      name: spec.name,
      schema: source.schema,
      rows,
      indexed: new Set(),
      source,
      view,
      pinDir,
      table: null,
      nonNull: new Map(),
      building,
      bytes,
      built: Promise.resolve(),
      tableBuilding: building !== null,
      closed: false,
    };
    if (building) {
      const built = this.#buildTable(ds, building.signal);
      (ds as { built: Promise<void> }).built = built;
      this.#building.add(built);
      built.finally(() => {
        ds.tableBuilding = false;
        this.#building.delete(built);
      });
    }
    return ds;
  }

  /**
   * Builds the dataset's table in the background and swaps it in; a
   * failure leaves the view answering (logged: the data is served, slower).
   */
  async #buildTable(ds: DuckDataset, signal: AbortSignal): Promise<void> {
    const started = performance.now();
    try {
      const table = await this.#tables.build(ds.view, signal);
      if (ds.closed) {
        await this.#tables.drop(table);
        return;
      }
      const scalars = ds.schema.fields.filter((f) => isScalar(f.type));
      if (scalars.length > 0) {
        const counts = await this.#pool.use(
          signal,
          (conn) =>
            conn.runAndReadAll(
              `SELECT ${
                scalars.map((f) => `count(${quoteIdent(f.name)})::BIGINT`)
                  .join(", ")
              } FROM ${table}`,
            ),
        ).catch(async (e) => {
          await this.#tables.drop(table);
          throw e;
        });
        const row = counts.getRows()[0]!;
        scalars.forEach((f, i) =>
          ds.nonNull.set(f.name, Number(row[i] as bigint))
        );
      }
      if (ds.closed) {
        await this.#tables.drop(table);
        return;
      }
      // One assignment: requests planned from now on read the table; the
      // ones running keep the view, which stays until the version closes.
      ds.table = table;
      log("info", {
        msg: "table built",
        dataset: ds.name,
        rows: ds.rows,
        ms: Math.round(performance.now() - started),
      });
    } catch (e) {
      if (signal.aborted || ds.closed) return;
      log("warn", {
        msg: "table build failed; the view keeps answering",
        dataset: ds.name,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }

  /** The relation a request reads: the view, or only the files its partition filters keep. */
  #relation(ds: DuckDataset, filters: PlanPredicate[]): string {
    if (ds.table) return ds.table;
    const files = pruneFiles(ds.source, filters);
    if (files.length === ds.source.files.length) return quoteIdent(ds.view);
    return `(${relationSql(ds.source, files)})`;
  }

  #querySql(ds: DuckDataset, plan: QueryPlan): Sql {
    return buildQuerySql(plan, this.#relation(ds, plan.filters), {
      multiFile: ds.source.files.length > 1,
      firstKeyBound: boundsFirstKey(ds, plan),
    });
  }

  async query(
    ds: LoadedDataset,
    plan: QueryPlan,
    signal: AbortSignal,
  ): Promise<ResultBatch> {
    const { sql, params } = this.#querySql(ds as DuckDataset, plan);
    return await this.#pool.use(signal, async (conn) => {
      // A page comes back whole in one round trip to DuckDB's threads; a
      // stream costs one more per chunk, which under load (the event loop
      // busy with other requests) was a quarter of a fast query's time.
      if (plan.take <= MATERIALIZE_ROWS) {
        const result = await run(() => conn.run(sql, params));
        return readMaterialized(result, plan.output);
      }
      const result = await run(() => conn.stream(sql, params));
      return await run(() => readBatch(result, plan.output));
    });
  }

  async *stream(
    ds: LoadedDataset,
    plan: QueryPlan,
    signal: AbortSignal,
  ): AsyncIterable<ResultBatch> {
    const { sql, params } = this.#querySql(ds as DuckDataset, plan);
    const lease = await this.#pool.acquire(signal);
    try {
      const result = await run(() => lease.conn.stream(sql, params));
      yield* readBatches(result, plan.output, streamBatchRows);
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      throw e;
    } finally {
      lease.release();
    }
  }

  async count(
    ds: LoadedDataset,
    filters: PlanPredicate[],
    signal: AbortSignal,
  ): Promise<number> {
    const d = ds as DuckDataset;
    if (filters.length === 0) return d.rows;
    const { sql, params } = buildCountSql(filters, this.#relation(d, filters));
    return await this.#pool.use(signal, async (conn) => {
      const r = await run(() => conn.runAndReadAll(sql, params));
      return Number(r.getRows()[0]![0] as bigint);
    });
  }

  async close(ds: LoadedDataset): Promise<void> {
    const d = ds as DuckDataset;
    d.closed = true;
    d.building?.abort();
    await d.built;
    if (d.table) {
      const t = d.table;
      d.table = null;
      await this.#tables.drop(t).catch(() => {});
    }
    await this.#pool.use(
      undefined,
      (conn) => conn.run(`DROP VIEW IF EXISTS ${quoteIdent(d.view)}`),
    );
    await this.#pins.unpin(d.pinDir);
  }

  /**
   * Nothing that cannot be given back: a view reads its pinned files at
   * query time, and a table's blocks sit in DuckDB's buffer manager, which
   * evicts them to the table file under memory pressure.
   */
  heldBytes(_ds: LoadedDataset): number {
    return 0;
  }

  connectionsInUse(): number {
    return this.#pool.inUse;
  }

  async shutdown(): Promise<void> {
    await this.#tables.close();
    await this.#pool.close();
    this.#instance.closeSync();
    await this.#pins.close();
    await this.#tableDirs.close();
  }
}

function isScalar(t: DataType): boolean {
  return t.kind !== "list" && t.kind !== "struct" && t.kind !== "map";
}

/**
 * Whether a page of the table may bound its first sort key by the key's
 * value at the page's last row: the table answers, no filters, a scalar
 * key with a non-NULL value there (more non-NULL values than the page
 * reaches), a page within BOUND_ROWS. On the 2M-row bench table an
 * order_by page takes 16 ms instead of 36 ms.
 */
function boundsFirstKey(ds: DuckDataset, plan: QueryPlan): boolean {
  return ds.table !== null && firstKeyBoundApplies(plan, ds.nonNull);
}
