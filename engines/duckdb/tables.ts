/**
 * Native storage for the DuckDB engine: a dataset's view copied into a
 * DuckDB table (the seed's `CREATE TABLE … AS SELECT`), built in the
 * background while the view answers, then swapped in by the engine.
 *
 * Every column of the view is kept, the hidden row-order columns ROW_FILE
 * and ROW_NUM included, so the same SQL reads either relation and ties keep
 * source order. A single file is copied in scan order (DuckDB preserves
 * insertion order), which is what an unordered page of it relies on; pages
 * of several files always order by ROW_FILE, ROW_NUM.
 *
 * The tables live in one DuckDB database file per engine, under the cache
 * folder, attached for the engine's life: DuckDB's buffer manager keeps
 * their blocks in memory while they fit its memory limit and reads them
 * back from the file when they do not, so a table larger than memory
 * works. The file is compressed as it is written (dictionary, FSST, bit
 * packing, ALP). Measured on the 2M-row bench data (bench/README.md), that
 * beats an in-memory table: uncompressed, group_by and count hash and
 * compare every string of a low-cardinality column where the parquet
 * reader works on its dictionary (1.6-2× slower than the view); compressed
 * in memory (ATTACH ':memory:' (COMPRESS) and a CHECKPOINT), DuckDB picks
 * DICT_FSST for strings, whose eq filters were 1.4× slower than the file's
 * FSST, and the build peaked at 2.2× the file's RSS (the rows sit
 * uncompressed until the checkpoint). One file, not one per dataset, so a
 * thousand datasets hold one descriptor. Files of a process that was
 * killed are removed by the next start (the folder is PinStore's).
 */
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { literal } from "./relation.ts";
import { quoteIdent } from "./sql.ts";

const CATALOG = "dp_tables";

/** Where tables are built, one at a time, each on a connection of its own. */
export class TableBuilder {
  #instance: DuckDBInstance;
  /** Makes the folder for the database file, on the first build. */
  #folder: () => Promise<string>;
  #attached: Promise<void> | null = null;
  #next = 0;
  /** Builds wait here, so two never compete for DuckDB's threads. */
  #queue: Promise<unknown> = Promise.resolve();
  #running = new Set<DuckDBConnection>();
  #closed = false;

  constructor(instance: DuckDBInstance, folder: () => Promise<string>) {
    this.#instance = instance;
    this.#folder = folder;
  }

  /**
   * Copies `view` into a new table once the builds queued before it are
   * done, and gives the quoted name to read it by. Rejects when `signal`
   * aborts (the build is interrupted) or DuckDB fails; a half-built table
   * is rolled back either way.
   */
  build(view: string, signal: AbortSignal): Promise<string> {
    const table = `${quoteIdent(CATALOG)}.main.${
      quoteIdent(`t${++this.#next}`)
    }`;
    const run = this.#queue.then(async () => {
      signal.throwIfAborted();
      if (this.#closed) throw new Error("the engine is shut down");
      await this.#attach();
      const conn = await this.#instance.connect();
      this.#running.add(conn);
      const onAbort = () => conn.interrupt();
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        await conn.run(
          `CREATE TABLE ${table} AS SELECT * FROM ${quoteIdent(view)}`,
        );
        if (signal.aborted) {
          await conn.run(`DROP TABLE IF EXISTS ${table}`);
          throw signal.reason;
        }
        return table;
      } catch (e) {
        throw signal.aborted ? signal.reason : e;
      } finally {
        signal.removeEventListener("abort", onAbort);
        this.#running.delete(conn);
        conn.closeSync();
      }
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  #attach(): Promise<void> {
    this.#attached ??= (async () => {
      const dir = await this.#folder();
      const conn = await this.#instance.connect();
      try {
        await conn.run(
          `ATTACH ${literal(`${dir}/tables.duckdb`)} AS ${quoteIdent(CATALOG)}`,
        );
      } finally {
        conn.closeSync();
      }
    })();
    return this.#attached;
  }

  /** The tables held now (names as `build` gave them). */
  async list(): Promise<string[]> {
    if (!this.#attached) return [];
    await this.#attached;
    const conn = await this.#instance.connect();
    try {
      const r = await conn.runAndReadAll(
        `SELECT table_name FROM duckdb_tables() WHERE database_name = ${
          literal(CATALOG)
        } ORDER BY table_name`,
      );
      return r.getRows().map((row) =>
        `${quoteIdent(CATALOG)}.main.${quoteIdent(String(row[0]))}`
      );
    } finally {
      conn.closeSync();
    }
  }

  /** Drops a built table; its blocks are reused by the next. */
  async drop(table: string): Promise<void> {
    const conn = await this.#instance.connect();
    try {
      await conn.run(`DROP TABLE IF EXISTS ${table}`);
    } finally {
      conn.closeSync();
    }
  }

  /** Interrupts running builds, fails the queued ones, detaches the file. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const c of this.#running) c.interrupt();
    await this.#queue;
    if (this.#attached) {
      await this.#attached.catch(() => {});
      const conn = await this.#instance.connect();
      try {
        await conn.run(`DETACH DATABASE IF EXISTS ${quoteIdent(CATALOG)}`);
      } finally {
        conn.closeSync();
      }
    }
  }
}
