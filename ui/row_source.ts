/**
 * The rows of one query for a scrolling grid. Pages are fetched as they
 * come into view, every page after the first pinned to the dataset version
 * the first one came from, so a grid never mixes two versions; only the
 * pages near the view are kept.
 */
import {
  type DataPressClient,
  DataPressHTTPError,
  type QueryBody,
  type Row,
} from "../client/mod.ts";

export const PAGE_ROWS = 200;
/** Pages kept in memory; the farthest from the view go first. */
const KEPT_PAGES = 40;

export interface Column {
  name: string;
  type: string;
}

/** The server dropped the version this source is pinned to. */
export function isVersionChanged(e: unknown): boolean {
  return e instanceof DataPressHTTPError && e.status === 409 &&
    e.payload?.error.code === "version_changed";
}

export class RowSource {
  readonly #pages = new Map<number, Row[]>();
  readonly #fetching = new Map<number, AbortController>();
  #version: number | null = null;
  columns: Column[] = [];
  /** Rows of the whole result; for grouped and distinct results a lower bound until the last page is seen. */
  total = 0;
  /** Whether `total` is exact. */
  exact = false;

  constructor(
    readonly client: DataPressClient,
    readonly dataset: string,
    readonly body: QueryBody,
    readonly events: {
      /** New rows or a new total to show. */
      onChange: () => void;
      /** A page failed; `e` may be a 409 version_changed. */
      onError: (e: unknown) => void;
    },
  ) {}

  get version(): number | null {
    return this.#version;
  }

  /** Plain rows are counted up front; grouped and distinct results grow as pages arrive. */
  get #countable(): boolean {
    return !this.body.group_by?.length && !this.body.distinct;
  }

  /**
   * The first page, then the row count at that page's version. Resolves
   * once both are in; `onChange` fires as soon as the first page is.
   */
  async start(signal: AbortSignal): Promise<void> {
    const first = await this.client.queryJson(
      this.dataset,
      { ...this.body, page: 1, page_size: PAGE_ROWS },
      { signal },
    );
    this.#version = first.version;
    this.columns = first.columns;
    this.#pages.set(0, first.rows);
    this.#grow(0, first.rows.length, first.has_more);
    this.events.onChange();
    if (!this.#countable || !first.has_more) return;
    const n = await this.client.count(
      this.dataset,
      this.body.predicates ?? [],
      { version: first.version, signal },
    );
    this.total = this.body.limit == null ? n : Math.min(n, this.body.limit);
    this.exact = true;
    this.events.onChange();
  }

  #grow(page: number, returned: number, hasMore: boolean): void {
    if (this.exact) return;
    const end = page * PAGE_ROWS + returned;
    if (!hasMore) {
      this.total = end;
      this.exact = true;
    } else this.total = Math.max(this.total, end + PAGE_ROWS);
  }

  row(i: number): Row | undefined {
    return this.#pages.get(Math.floor(i / PAGE_ROWS))?.[i % PAGE_ROWS];
  }

  /**
   * Fetches the pages of rows `from`..`to` (exclusive) that are missing and
   * stops fetching pages outside them: a fast scroll asks only for where
   * it stops.
   */
  want(from: number, to: number): void {
    if (this.#version === null) return;
    const first = Math.floor(Math.max(0, from) / PAGE_ROWS);
    const last = Math.floor(
      Math.max(0, Math.min(to, this.total) - 1) / PAGE_ROWS,
    );
    for (const [page, ctrl] of this.#fetching) {
      if (page < first || page > last) {
        ctrl.abort();
        this.#fetching.delete(page);
      }
    }
    for (let p = first; p <= last; p++) {
      if (!this.#pages.has(p) && !this.#fetching.has(p)) this.#fetch(p);
    }
    this.#evict((first + last) / 2);
  }

  async #fetch(page: number): Promise<void> {
    const ctrl = new AbortController();
    this.#fetching.set(page, ctrl);
    try {
      const p = await this.client.queryJson(this.dataset, {
        ...this.body,
        page: page + 1,
        page_size: PAGE_ROWS,
        version: this.#version!,
      }, { signal: ctrl.signal });
      this.#pages.set(page, p.rows);
      this.#grow(page, p.rows.length, p.has_more);
      this.events.onChange();
    } catch (e) {
      if (!ctrl.signal.aborted) this.events.onError(e);
    } finally {
      if (this.#fetching.get(page) === ctrl) this.#fetching.delete(page);
    }
  }

  #evict(around: number): void {
    if (this.#pages.size <= KEPT_PAGES) return;
    const far = [...this.#pages.keys()].sort((a, b) =>
      Math.abs(b - around) - Math.abs(a - around)
    );
    for (const p of far.slice(0, this.#pages.size - KEPT_PAGES)) {
      // Page 0 holds the columns' first rows, shown again on every return to the top.
      if (p !== 0) this.#pages.delete(p);
    }
  }

  /** Stops every page fetch. */
  close(): void {
    for (const ctrl of this.#fetching.values()) ctrl.abort();
    this.#fetching.clear();
  }
}
