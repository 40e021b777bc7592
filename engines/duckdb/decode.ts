/**
 * A source decoded once, whole, into plain columns: DuckDB reads the
 * parquet files (partition values, column mapping and deletion vectors
 * applied as in the dataset's view) and hands every column over as typed
 * arrays, with repeating strings as dictionary codes. Nothing DuckDB-shaped
 * leaves this file, so an engine that keeps data in JS needs no other part
 * of engines/duckdb.
 */
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBMaterializedResult,
} from "@duckdb/node-api";
import type { ColumnValues, Field } from "../../data/types.ts";
import type { ResolvedSource } from "../../sources/types.ts";
import { HashCodes } from "./codes.ts";
import { RowsReader } from "./rows.ts";
import { literal, relationSql } from "./relation.ts";
import { quoteIdent, ROW_FILE, ROW_NUM } from "./sql.ts";
import type { Utf8Column } from "./utf8.ts";

/** One decoded column, one entry per row in load order. */
export interface DecodedColumn {
  readonly field: Field;
  /**
   * The `ColumnVector` layout of `field.type` (data/types.ts), except for
   * strings: when `dictionary` is set, each row's Int32 code into it (-1 at
   * null rows), else a Utf8Column (no JS string per value).
   */
  readonly values: ColumnValues | Utf8Column;
  /** 1 = a value, 0 = null; null when no row is null. */
  readonly valid: Uint8Array | null;
  /** Dictionary-encoded strings only: code → text, ascending in UTF-8 byte order. */
  readonly dictionary?: string[];
  /**
   * String columns only: about how many distinct non-null values the column
   * holds (HyperLogLog, within a few percent).
   */
  readonly distinct?: number;
}

/** A whole source as columns. */
export interface DecodedTable {
  readonly rows: number;
  /** In `source.schema.fields` order. */
  readonly columns: DecodedColumn[];
  /**
   * Rows are stored file by file in `source.files` order: file i holds rows
   * `fileStarts[i]` up to `fileStarts[i + 1]` (one more entry: `rows`).
   */
  readonly fileStarts: Int32Array;
  /** Milliseconds per step: counting rows, estimating distinct strings, building dictionaries, reading rows. */
  readonly ms: {
    count: number;
    stats: number;
    dictionaries: number;
    read: number;
  };
}

/** Where a decode is, reported after each slice of row groups. */
export interface DecodeProgress {
  rowsRead: number;
  rows: number;
  /** 1-based number of the slice just read, of `slices`. */
  slice: number;
  slices: number;
}

export interface DecodeOptions {
  /**
   * Called once the row count is known (deleted rows excluded), before any
   * column is read: throw to stop, e.g. when the data would not fit a budget.
   */
  onCount?: (rows: number) => void;
  /** Called after each slice of whole row groups (about 256k rows) is read. */
  onProgress?: (progress: DecodeProgress) => void;
  /**
   * A string column whose distinct values are estimated at no more than this
   * share of its rows comes back dictionary-encoded; others as a
   * Utf8Column. Default 0.5; 0 never builds a dictionary.
   */
  dictionaryShare?: number;
  /** Checked between slices; an abort stops the decode with its reason. */
  signal?: AbortSignal;
}

/**
 * Decodes every row of `source` into plain columns, with no JS string per
 * value. DuckDB works on a private in-memory database in slices of whole
 * row groups: one parallel materialized query per slice on one connection
 * while the previous slice is copied into preallocated arrays from the
 * other, so it never holds more than two slices beside the returned
 * columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DuckDBInstance } from "@duckdb/node-api";
 * import { decodeColumns } from "./mod.ts";
 * import { resolveSource } from "../../sources/resolve.ts";
 *
 * const path = `${await Deno.makeTempDir()}/t.parquet`;
 * const db = await DuckDBInstance.create(":memory:");
 * const c = await db.connect();
 * await c.run(`COPY (SELECT i AS n, ['b', 'a', NULL][1 + i % 3] AS s
 *   FROM range(10) t(i)) TO '${path}' (FORMAT parquet)`);
 * c.closeSync();
 * db.closeSync();
 *
 * const table = await decodeColumns(
 *   await resolveSource({ name: "t", source: path }),
 * );
 * assert.equal(table.rows, 10);
 * const [n, s] = table.columns;
 * assert.deepEqual(Array.from(n!.values as BigInt64Array).slice(0, 3), [0n, 1n, 2n]);
 * assert.deepEqual(s!.dictionary, ["a", "b"]);
 * assert.deepEqual(Array.from(s!.values as Int32Array).slice(0, 3), [1, 0, -1]);
 * ```
 */
export async function decodeColumns(
  source: ResolvedSource,
  options: DecodeOptions = {},
): Promise<DecodedTable> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    // Geometry stays WKB binary, as in the DuckDB engine (engine.ts).
    await conn.run(
      "LOAD icu; SET TimeZone = 'UTC'; SET GLOBAL enable_geoparquet_conversion = false",
    );
    return await decodeOn(db, conn, source, options);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

async function decodeOn(
  db: DuckDBInstance,
  conn: DuckDBConnection,
  source: ResolvedSource,
  options: DecodeOptions,
): Promise<DecodedTable> {
  const fields = source.schema.fields;
  const ms = { count: 0, stats: 0, dictionaries: 0, read: 0 };
  let t = performance.now();
  const lap = (k: keyof typeof ms) => {
    const now = performance.now();
    ms[k] = Math.round(now - t);
    t = now;
  };
  const rel = `(${relationSql(source, source.files)})`;
  const extents = await fileExtents(conn, rel, source.files.length);
  const rows = extents.starts[source.files.length]!;
  lap("count");
  options.onCount?.(rows);
  t = performance.now();
  options.signal?.throwIfAborted();
  const { distinct, bytes } = await stringStats(conn, rel, fields);
  lap("stats");
  const share = options.dictionaryShare ?? 0.5;
  const dicts = await dictionaries(conn, rel, fields, distinct, rows, share);
  lap("dictionaries");
  // Dictionary columns are read as DuckDB's hash of each value (codes.ts).
  const cols = fields.map((f) => {
    const c = quoteIdent(f.name);
    return dicts.has(f.name) ? `hash(${c}) AS ${c}` : c;
  });
  const reader = new RowsReader(
    fields.map((field) => {
      const d = dicts.get(field.name);
      return d
        ? { field, codes: d.codes }
        : { field, textBytes: bytes.get(field.name) };
    }),
    rows,
  );
  const parts = await slices(conn, source, extents);
  // Each slice is one materialized query, run in parallel by DuckDB and
  // awaited once; the second connection runs slice k + 1 while slice k is
  // copied. Awaits are few because each one waits behind every request
  // queued on the event loop when the server is busy.
  const conns = [conn, await db.connect()];
  let next: Promise<DuckDBMaterializedResult> | null = null;
  try {
    const run = (k: number) => {
      const p = parts[k]!;
      const done = conns[k % 2]!.run(
        `SELECT ${
          cols.join(", ")
        } FROM (${p.sql}) WHERE ${ROW_NUM} >= ${p.from} AND ${ROW_NUM} < ${p.to}`,
      );
      // Awaited in turn; a failure while the previous slice is read must
      // not surface as an unhandled rejection.
      done.catch(() => {});
      return done;
    };
    next = parts.length > 0 ? run(0) : null;
    for (let k = 0; k < parts.length; k++) {
      const result = await next!;
      options.signal?.throwIfAborted();
      next = k + 1 < parts.length ? run(k + 1) : null;
      reader.read(result);
      options.onProgress?.({
        rowsRead: reader.filled,
        rows,
        slice: k + 1,
        slices: parts.length,
      });
    }
  } finally {
    // A slice still running must finish before its connection closes.
    await next?.catch(() => {});
    conns[1]!.closeSync();
  }
  const columns = reader.finish().map((c, i): DecodedColumn => {
    const field = fields[i]!;
    const n = distinct.get(field.name);
    const { values, valid } = c;
    const dictionary = dicts.get(field.name)?.dict;
    if (dictionary) return { field, values, valid, dictionary, distinct: n };
    return n === undefined
      ? { field, values, valid }
      : { field, values, valid, distinct: n };
  });
  lap("read");
  return { rows, columns, fileStarts: extents.starts, ms };
}

/**
 * Rows per slice, at least: whole row groups (a group cut in two would be
 * decoded twice), enough of them that both DuckDB threads stay busy.
 */
const SLICE_ROWS = 1 << 18;

interface Extents {
  /** Where each file's rows start in load order (ROW_FILE, ROW_NUM), then the total. */
  starts: Int32Array;
  /** Each file's physical row numbers end before this (deleted rows included). */
  ends: Float64Array;
}

async function fileExtents(
  conn: DuckDBConnection,
  rel: string,
  files: number,
): Promise<Extents> {
  const counts = new Int32Array(files);
  const ends = new Float64Array(files);
  const rows = (await conn.runAndReadAll(
    `SELECT ${ROW_FILE}, count(*)::BIGINT, max(${ROW_NUM}) + 1 FROM ${rel} GROUP BY 1`,
  )).getRows();
  for (const [file, n, end] of rows) {
    counts[Number(file)] = Number(n);
    ends[Number(file)] = Number(end);
  }
  const starts = new Int32Array(files + 1);
  for (let i = 0; i < files; i++) starts[i + 1] = starts[i]! + counts[i]!;
  return { starts, ends };
}

interface Slice {
  sql: string;
  from: number;
  to: number;
}

/** The source in load order as ranges of whole row groups of one file each. */
async function slices(
  conn: DuckDBConnection,
  source: ResolvedSource,
  extents: Extents,
): Promise<Slice[]> {
  const live = source.files.filter((_, i) => extents.ends[i]! > 0);
  const groups = new Map<string, number[]>();
  if (live.length > 0) {
    const meta = await conn.runAndReadAll(
      `SELECT file_name, row_group_id, any_value(row_group_num_rows)::BIGINT
       FROM parquet_metadata([${live.map((f) => literal(f.path)).join(", ")}])
       GROUP BY ALL ORDER BY 1, 2`,
    );
    for (const [file, , n] of meta.getRows()) {
      const sizes = groups.get(String(file)) ?? [];
      sizes.push(Number(n));
      groups.set(String(file), sizes);
    }
  }
  const out: Slice[] = [];
  source.files.forEach((file, i) => {
    const end = extents.ends[i]!;
    if (end === 0) return;
    const sql = relationSql(source, [file]);
    let from = 0, to = 0;
    for (const n of groups.get(file.path) ?? [end]) {
      to += n;
      if (to - from >= SLICE_ROWS) {
        out.push({ sql, from, to });
        from = to;
      }
    }
    if (from < end) out.push({ sql, from, to: end });
  });
  return out;
}

/**
 * Per string column, in one scan: its estimated distinct values
 * (HyperLogLog) and its total UTF-8 bytes, so its text is read into one
 * preallocated array. Other columns get none: counting them exactly is
 * cheaper for whoever needs it.
 */
async function stringStats(
  conn: DuckDBConnection,
  rel: string,
  fields: Field[],
): Promise<{ distinct: Map<string, number>; bytes: Map<string, number> }> {
  const flat = fields.filter((f) => f.type.kind === "string");
  if (flat.length === 0) return { distinct: new Map(), bytes: new Map() };
  const row = (await conn.runAndReadAll(
    `SELECT ${
      flat.map((f) => {
        const c = quoteIdent(f.name);
        return `approx_count_distinct(${c})::BIGINT, coalesce(sum(strlen(${c})), 0)::BIGINT`;
      }).join(", ")
    } FROM ${rel}`,
  )).getRows()[0]!;
  return {
    distinct: new Map(flat.map((f, i) => [f.name, Number(row[2 * i])])),
    bytes: new Map(flat.map((f, i) => [f.name, Number(row[2 * i + 1])])),
  };
}

/**
 * String columns whose values repeat are read as dictionary codes: returns
 * column name → its dictionary (in UTF-8 byte order, as DuckDB sorts
 * VARCHAR) and the table from DuckDB's hash of each value to its code.
 * All dictionaries are read by one query. A column two of whose values (or
 * a value and NULL) share a 64-bit hash (for 100,000 values, about 1 in
 * 4·10^9) is read as text instead.
 */
async function dictionaries(
  conn: DuckDBConnection,
  rel: string,
  fields: Field[],
  distinct: Map<string, number>,
  rows: number,
  share: number,
): Promise<Map<string, { dict: string[]; codes: HashCodes }>> {
  const picked = fields.filter((f) =>
    f.type.kind === "string" && rows > 0 && share > 0 &&
    (distinct.get(f.name) ?? rows) <= rows * share
  );
  const out = new Map<string, { dict: string[]; codes: HashCodes }>();
  if (picked.length === 0) return out;
  const lists = (await conn.runAndReadAll(
    picked.map((f, i) => {
      const c = quoteIdent(f.name);
      return `SELECT ${i} AS k, list(v ORDER BY v), list(hash(v) ORDER BY v), hash(NULL::VARCHAR)
        FROM (SELECT DISTINCT ${c} AS v FROM ${rel} WHERE ${c} IS NOT NULL)`;
    }).join(" UNION ALL "),
  )).getRowsJS();
  for (const [k, dict, hashes, nullHash] of lists) {
    // A column of nulls only has no distinct value: its list is NULL.
    const codes = HashCodes.build(
      (hashes ?? []) as bigint[],
      nullHash as bigint,
    );
    if (codes) {
      out.set(picked[Number(k)]!.name, {
        dict: (dict ?? []) as string[],
        codes,
      });
    }
  }
  return out;
}
