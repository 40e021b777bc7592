/**
 * A fixed pool of DuckDB connections. A request checks one out for its whole
 * life, so a connection (and any statement prepared on it) never serves two
 * requests at once, and `interrupt()` stops exactly that request's query.
 */
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

export interface Lease {
  conn: DuckDBConnection;
  release(): void;
}

export class ConnectionPool {
  #idle: DuckDBConnection[] = [];
  #waiters: ((c: DuckDBConnection) => void)[] = [];
  #all: DuckDBConnection[] = [];

  private constructor() {}

  get inUse(): number {
    return this.#all.length - this.#idle.length;
  }

  static async create(
    instance: DuckDBInstance,
    size: number,
  ): Promise<ConnectionPool> {
    const pool = new ConnectionPool();
    for (let i = 0; i < size; i++) {
      const c = await instance.connect();
      pool.#all.push(c);
      pool.#idle.push(c);
    }
    return pool;
  }

  /**
   * Checks a connection out until `release()`; it is interrupted when
   * `signal` aborts.
   */
  async acquire(signal: AbortSignal | undefined): Promise<Lease> {
    signal?.throwIfAborted();
    const conn = this.#idle.pop() ?? await this.#wait(signal);
    const onAbort = () => conn.interrupt();
    signal?.addEventListener("abort", onAbort, { once: true });
    let released = false;
    return {
      conn,
      release: () => {
        if (released) return;
        released = true;
        signal?.removeEventListener("abort", onAbort);
        const next = this.#waiters.shift();
        if (next) next(conn);
        else this.#idle.push(conn);
      },
    };
  }

  /**
   * The next connection released, or a rejection when `signal` aborts
   * first: a request that gave up must not keep its place in the queue, or
   * take a connection only to run a query no one will read.
   */
  #wait(signal: AbortSignal | undefined): Promise<DuckDBConnection> {
    return new Promise<DuckDBConnection>((resolve, reject) => {
      const onAbort = () => {
        const at = this.#waiters.indexOf(take);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(signal!.reason);
      };
      const take = (c: DuckDBConnection) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(c);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(take);
    });
  }

  /** Runs `fn` on a checked-out connection; an abort rejects with the signal's reason. */
  async use<T>(
    signal: AbortSignal | undefined,
    fn: (c: DuckDBConnection) => Promise<T>,
  ): Promise<T> {
    const lease = await this.acquire(signal);
    try {
      signal?.throwIfAborted();
      return await fn(lease.conn);
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw e;
    } finally {
      lease.release();
    }
  }

  /**
   * Interrupts running queries and closes every connection once all are
   * back: closing one while DuckDB still unwinds a query aborts the process.
   */
  async close(): Promise<void> {
    for (const c of this.#all) {
      if (!this.#idle.includes(c)) c.interrupt();
    }
    while (this.#idle.length < this.#all.length) {
      const conn = await new Promise<DuckDBConnection>((resolve) =>
        this.#waiters.push(resolve)
      );
      this.#idle.push(conn);
    }
    for (const c of this.#all) c.closeSync();
    this.#all = [];
    this.#idle = [];
  }
}
