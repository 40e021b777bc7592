/**
 * DataPressClient: a typed client for the datapress HTTP API, for Deno and
 * the browser. The query builder UI uses it exactly as a user's program would.
 *
 * @example
 * ```ts
 * import { DataPressClient } from "./client/mod.ts";
 * const dp = new DataPressClient("http://127.0.0.1:8000");
 * const page = await dp.queryJson("accidents", {
 *   columns: ["ID", "State"],
 *   predicates: [{ col: "State", op: "eq", val: "TX" }],
 *   page_size: 10,
 * });
 * console.log(page.rows);
 * ```
 */
import type { Table } from "apache-arrow";
import {
  DataPressHTTPError,
  DataPressVersionChangedError,
  type ErrorPayload,
  isVersionChanged,
} from "./errors.ts";

export { DataPressHTTPError, DataPressVersionChangedError, type ErrorPayload };

export type Op =
  | "eq"
  | "neq"
  | "gt"
  | "gte"
  | "lt"
  | "lte"
  | "like"
  | "ilike"
  | "in"
  | "is_null"
  | "is_not_null";

export interface Predicate {
  col: string;
  op: Op;
  val?: unknown;
}

export interface QueryBody {
  columns?: string[];
  predicates?: Predicate[];
  order_by?: { col: string; dir?: "asc" | "desc" }[];
  group_by?: string[];
  aggregations?: {
    col?: string;
    op: "count" | "sum" | "avg" | "min" | "max";
    alias?: string;
  }[];
  distinct?: boolean;
  limit?: number | null;
  page?: number;
  page_size?: number;
  /** Pins the request to this dataset version (409 `version_changed` once the server no longer holds it). */
  version?: number;
}

export type Row = Record<string, unknown>;

export interface QueryPage {
  dataset: string;
  version: number;
  columns: { name: string; type: string }[];
  rows: Row[];
  page: number;
  page_size: number;
  returned: number;
  has_more: boolean;
}

export interface DatasetInfo {
  name: string;
  description: string;
  format: string;
  engine: string;
  /**
   * What answers now: "view" or "table" (DuckDB engine; its native table
   * takes over once built), "memory"; null until loaded.
   */
  storage: "view" | "table" | "memory" | null;
  /**
   * True while the engine still builds what makes this version faster (the
   * DuckDB engine's table, the memory engine's equality indexes); answers
   * are the same either way. Null until loaded.
   */
  building: boolean | null;
  rows: number | null;
  columns: number | null;
  version: number | null;
  /** The Delta table version read; null for plain parquet. */
  source_version: number | null;
  loaded_at: string | null;
}

export interface SchemaInfo {
  dataset: string;
  columns: {
    name: string;
    type: string;
    nullable: boolean;
    indexed: boolean;
  }[];
  sample: Row | null;
  rows: number;
}

/** GET .../columns/{col}/profile; values are encoded as in query answers. */
export interface ColumnProfile {
  dataset: string;
  version: number;
  column: string;
  type: string;
  rows: number;
  nulls: number;
  distinct_approx: number;
  min: unknown;
  max: unknown;
  top: { value: unknown; count: number }[];
  /** Equal-width bins from min to max, the last closed; null for types without one. */
  histogram: { lo: unknown; hi: unknown; count: number }[] | null;
}

/** The formats of the GET query route's `format=` (exports and pages). */
export type QueryFormat = "json" | "arrow" | "ndjson" | "csv" | "parquet";

export interface RequestOptions {
  /** Aborts the request; the server then stops the work it started for it. */
  signal?: AbortSignal;
}

export interface PagingOptions {
  /**
   * When the pinned version is gone: `"throw"` (the default) a
   * DataPressVersionChangedError, or `"restart"` from the first page at
   * the current version (`queryAll` then yields that first page again:
   * watch `page.version`), at most MAX_RESTARTS times.
   */
  onVersionChange?: "throw" | "restart";
}

/** Restarts after which a paged read gives up: the dataset changes faster than it can be read. */
export const MAX_RESTARTS = 3;

export interface ClientOptions {
  /** Bearer token sent as `Authorization: Bearer ...`. */
  token?: string;
  fetch?: typeof fetch;
}

const ARROW = "application/vnd.apache.arrow.stream";

export class DataPressClient {
  readonly baseUrl: string;
  #token?: string;
  #fetch: typeof fetch;

  constructor(baseUrl: string, opts: ClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.#token = opts.token;
    this.#fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  }

  async #request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<Response> {
    const h: Record<string, string> = { ...headers };
    if (this.#token) h.authorization = `Bearer ${this.#token}`;
    if (body !== undefined) h["content-type"] = "application/json";
    const res = await this.#fetch(`${this.baseUrl}${path}`, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    if (!res.ok) {
      const text = await res.text();
      let payload: ErrorPayload | null = null;
      try {
        const parsed = JSON.parse(text);
        if (parsed && typeof parsed === "object" && "error" in parsed) {
          payload = parsed;
        }
      } catch {
        // Not JSON: keep the text in `.body`.
      }
      throw new DataPressHTTPError(res.status, text, payload);
    }
    return res;
  }

  async #json<T>(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    return await (await this.#request(method, path, body, {}, signal))
      .json() as T;
  }

  static #ds(name: string): string {
    return `/api/v1/datasets/${encodeURIComponent(name)}`;
  }

  healthz(): Promise<{ status: string }> {
    return this.#json("GET", "/healthz");
  }

  readyz(): Promise<{ status: string; datasets: number }> {
    return this.#json("GET", "/readyz");
  }

  /** The names of the served datasets. */
  async datasets(): Promise<string[]> {
    return (await this.datasetInfo()).map((d) => d.name);
  }

  async datasetInfo(): Promise<DatasetInfo[]> {
    return (await this.#json<{ datasets: DatasetInfo[] }>(
      "GET",
      "/api/v1/datasets",
    )).datasets;
  }

  schema(name: string): Promise<SchemaInfo> {
    return this.#json("GET", `${DataPressClient.#ds(name)}/schema`);
  }

  async count(
    name: string,
    predicates: Predicate[] = [],
    opts: RequestOptions & { version?: number } = {},
  ): Promise<number> {
    const body = opts.version === undefined
      ? { predicates }
      : { predicates, version: opts.version };
    return (await this.#json<{ count: number }>(
      "POST",
      `${DataPressClient.#ds(name)}/count`,
      body,
      opts.signal,
    )).count;
  }

  /** A column's profile: nulls, distinct estimate, min/max, top values, histogram. */
  profile(
    name: string,
    column: string,
    opts: RequestOptions = {},
  ): Promise<ColumnProfile> {
    return this.#json(
      "GET",
      `${DataPressClient.#ds(name)}/columns/${
        encodeURIComponent(column)
      }/profile`,
      undefined,
      opts.signal,
    );
  }

  /**
   * The GET form of a query as a URL: a link to share, or an `<a download>`
   * that lets the browser stream an export to disk. It carries no token;
   * `exportResponse` sends one.
   */
  queryUrl(name: string, body: QueryBody = {}, format?: QueryFormat): string {
    return `${this.baseUrl}${DataPressClient.#queryPath(name, body, format)}`;
  }

  static #queryPath(
    name: string,
    body: QueryBody,
    format?: QueryFormat,
  ): string {
    const q = new URLSearchParams({ q: JSON.stringify(body) });
    if (format) q.set("format", format);
    return `${DataPressClient.#ds(name)}/query?${q}`;
  }

  /**
   * The GET form of a query answered in `format`, with the token sent: the
   * server's response with its body unread, to stream (a whole export in
   * CSV, NDJSON or Parquet; one page of JSON or Arrow).
   */
  exportResponse(
    name: string,
    body: QueryBody = {},
    format: QueryFormat = "csv",
    opts: RequestOptions = {},
  ): Promise<Response> {
    return this.#request(
      "GET",
      DataPressClient.#queryPath(name, body, format),
      undefined,
      {},
      opts.signal,
    );
  }

  /** One page as an Arrow table (Arrow IPC on the wire). */
  async query(name: string, body: QueryBody = {}): Promise<Table> {
    const res = await this.#request(
      "POST",
      `${DataPressClient.#ds(name)}/query`,
      body,
      { accept: ARROW },
    );
    // Loaded on first use: pages that only read JSON (the browser UI) do
    // not pay for initialising the Arrow library.
    const { tableFromIPC } = await import("apache-arrow");
    return tableFromIPC(new Uint8Array(await res.arrayBuffer()));
  }

  /** One page as the JSON envelope, verbatim. */
  queryJson(
    name: string,
    body: QueryBody = {},
    opts: RequestOptions = {},
  ): Promise<QueryPage> {
    return this.#json(
      "POST",
      `${DataPressClient.#ds(name)}/query`,
      body,
      opts.signal,
    );
  }

  /**
   * Every page from `body.page` (default 1) until `has_more` is false, all
   * from one dataset version: the first page's (or `body.version`), so a
   * reload between two pages never mixes versions (see PagingOptions).
   */
  async *queryAll(
    name: string,
    body: QueryBody = {},
    opts: PagingOptions = {},
  ): AsyncGenerator<QueryPage> {
    for (let restarts = 0;; restarts++) {
      let page = body.page ?? 1;
      let version = body.version;
      try {
        for (;;) {
          const p = await this.queryJson(name, { ...body, page, version });
          version = p.version;
          yield p;
          if (!p.has_more) return;
          page++;
        }
      } catch (e) {
        if (!isVersionChanged(e) || version === undefined) throw e;
        const restart = opts.onVersionChange === "restart" &&
          body.version === undefined && restarts < MAX_RESTARTS;
        if (!restart) throw new DataPressVersionChangedError(name, version, e);
      }
    }
  }

  /** All rows of every page, from one version (see `queryAll`); a restart drops the rows read before it. */
  async collectAll(
    name: string,
    body: QueryBody = {},
    opts: PagingOptions = {},
  ): Promise<Row[]> {
    let rows: Row[] = [];
    for await (const p of this.queryAll(name, body, opts)) {
      // The first page again means a restart.
      if (p.page === (body.page ?? 1)) rows = [];
      rows.push(...p.rows);
    }
    return rows;
  }

  reload(
    name: string,
    adminToken?: string,
  ): Promise<
    { dataset: string; rows: number; elapsed_ms: number; version: number }
  > {
    const path = `${DataPressClient.#ds(name)}/reload`;
    if (!adminToken) return this.#json("POST", path);
    return this.#request("POST", path, undefined, {
      "x-admin-token": adminToken,
    }).then((r) => r.json());
  }
}
