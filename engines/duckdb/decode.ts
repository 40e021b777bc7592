/**
 * A source decoded once, whole, into plain columns: DuckDB reads the
 * parquet files (partition values, column mapping and deletion vectors
 * applied as in the dataset's view) and hands every column over as typed
 * arrays, with repeating strings as dictionary codes. Nothing DuckDB-shaped
 * leaves this file, so an engine that keeps data in JS needs no other part
 * of engines/duckdb.
 */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { ColumnValues, Field } from "../../data/types.ts";
import type { ResolvedSource } from "../../sources/types.ts";
import { HashCodes } from "./codes.ts";
import { relationSql } from "./relation.ts";
import type { ColumnPlan, ReadColumn } from "./rows.ts";
import {
  type DecodeProgress,
  fileExtents,
  readPass,
  slices,
  SlicesProgress,
} from "./slices.ts";
import { quoteIdent } from "./sql.ts";
import type { Utf8Column } from "./utf8.ts";

export type { DecodeProgress };

/** One decoded column, one entry per row in load order. */
export interface DecodedColumn {
  readonly field: Field;
  /**
   * The `ColumnVector` layout of `field.type` (data/types.ts), except for
   * strings: when `dictionary` is set, each row's code into it (-1 at null
   * rows; `Codes`, as narrow as the dictionary allows), else a Utf8Column
   * (no JS string per value).
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
  /**
   * Milliseconds per step: counting rows, estimating distinct strings,
   * building dictionaries (those two while other columns are read), and
   * reading rows (all of it after the count).
   */
  readonly ms: {
    count: number;
    stats: number;
    dictionaries: number;
    read: number;
  };
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
 * columns. Non-string columns are read first, while a third connection
 * scans the string columns' statistics and then builds the dictionaries;
 * the strings kept as bytes follow as soon as the statistics are in, the
 * dictionary columns last (slices.ts).
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
 * assert.deepEqual(Array.from(s!.values as Int8Array).slice(0, 3), [1, 0, -1]);
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
  const started = performance.now();
  const rel = `(${relationSql(source, source.files)})`;
  const extents = await fileExtents(conn, rel, source.files.length);
  const rows = extents.starts[source.files.length]!;
  ms.count = Math.round(performance.now() - started);
  options.onCount?.(rows);
  options.signal?.throwIfAborted();
  const readStart = performance.now();
  const parts = await slices(conn, source, extents);
  // String columns wait for the statistics that say how to read them
  // (dictionary codes or bytes, and how many bytes); every other column is
  // read meanwhile, so DuckDB's statistics scans overlap JS's copies
  // instead of preceding them. Strings read as bytes need only the
  // statistics; they are read while DuckDB builds the dictionaries.
  const strings = fields.filter((f) => f.type.kind === "string");
  const others = fields.filter((f) => f.type.kind !== "string");
  const share = options.dictionaryShare ?? 0.5;
  const conns = [conn, await db.connect()];
  const statsConn = await db.connect();
  const stats = (async () => {
    const t = performance.now();
    const s = await stringStats(statsConn, rel, strings);
    ms.stats = Math.round(performance.now() - t);
    return {
      ...s,
      coded: dictionaryCandidates(strings, s.distinct, rows, share),
    };
  })();
  const dicts = stats.then(async ({ coded }) => {
    const t = performance.now();
    const d = await dictionaries(statsConn, rel, coded);
    ms.dictionaries = Math.round(performance.now() - t);
    return d;
  });
  // Awaited after the first pass; a failure meanwhile must not surface as
  // an unhandled rejection.
  dicts.catch(() => {});
  const read = new Map<string, ReadColumn>();
  try {
    const progress = new SlicesProgress(
      parts.length,
      rows,
      fields.length,
      options.onProgress,
    );
    const pass = (columns: ColumnPlan[]) =>
      readPass(conns, parts, columns, {
        rows,
        progress: progress.pass(columns.length),
        signal: options.signal,
      }, read);
    // Until the statistics say, strings may take a pass of bytes and one
    // of codes.
    const othersPass = Number(others.length > 0);
    progress.passes = othersPass + (strings.length > 0 ? 2 : 0);
    await pass(others.map((field) => ({ field })));
    const { bytes, coded } = await stats;
    const text = strings.filter((f) => !coded.includes(f));
    progress.passes = othersPass + Number(text.length > 0) +
      Number(coded.length > 0);
    await pass(
      text.map((field) => ({ field, textBytes: bytes.get(field.name) })),
    );
    const codes = await dicts;
    await pass(coded.map((field) => {
      const d = codes.get(field.name);
      // A dictionary with a shared hash is read as text after all.
      return d
        ? { field, codes: d.codes }
        : { field, textBytes: bytes.get(field.name) };
    }));
  } catch (e) {
    // An abort or a failed slice leaves the statistics of no use.
    statsConn.interrupt();
    throw e;
  } finally {
    await dicts.catch(() => {});
    statsConn.closeSync();
    conns[1]!.closeSync();
  }
  const { distinct } = await stats;
  const codes = await dicts;
  const columns = fields.map((field): DecodedColumn => {
    const { values, valid } = read.get(field.name)!;
    const n = distinct.get(field.name);
    const dictionary = codes.get(field.name)?.dict;
    if (dictionary) return { field, values, valid, dictionary, distinct: n };
    return n === undefined
      ? { field, values, valid }
      : { field, values, valid, distinct: n };
  });
  ms.read = Math.round(performance.now() - readStart);
  return { rows, columns, fileStarts: extents.starts, ms };
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

/** The string columns whose values repeat enough to be read as dictionary codes. */
function dictionaryCandidates(
  strings: Field[],
  distinct: Map<string, number>,
  rows: number,
  share: number,
): Field[] {
  return strings.filter((f) =>
    rows > 0 && share > 0 && (distinct.get(f.name) ?? rows) <= rows * share
  );
}

/**
 * The dictionaries of the `picked` string columns, read as codes: returns
 * column name → its dictionary (in UTF-8 byte order, as DuckDB sorts
 * VARCHAR) and the table from DuckDB's hash of each value to its code.
 * All dictionaries are read by one query. A column two of whose values (or
 * a value and NULL) share a 64-bit hash (for 100,000 values, about 1 in
 * 4·10^9) is read as text instead.
 */
async function dictionaries(
  conn: DuckDBConnection,
  rel: string,
  picked: Field[],
): Promise<Map<string, { dict: string[]; codes: HashCodes }>> {
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
