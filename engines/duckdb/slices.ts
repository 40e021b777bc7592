/**
 * The decode's reading order: a source cut into slices of whole row groups
 * in load order (file by file), and a pass that reads some of the columns
 * of every slice, pipelined over two connections.
 */
import type {
  DuckDBConnection,
  DuckDBMaterializedResult,
} from "@duckdb/node-api";
import type { ResolvedSource } from "../../sources/types.ts";
import { literal, relationSql } from "./relation.ts";
import { type ColumnPlan, type ReadColumn, RowsReader } from "./rows.ts";
import { quoteIdent, ROW_FILE, ROW_NUM } from "./sql.ts";

/** Where a decode is, reported after each slice of row groups. */
export interface DecodeProgress {
  /** Rows' worth of values read so far: a pass over some columns counts its share of a row. */
  rowsRead: number;
  rows: number;
  /** 1-based number of the slice just read, of `slices` (every pass). */
  slice: number;
  slices: number;
}

/** Progress over the passes: rows' worth of values read, weighted by columns. */
export class SlicesProgress {
  #columnsDone = 0;
  #slicesDone = 0;
  /** Passes over the slices: an estimate until every pass's columns are known. */
  passes = 1;

  constructor(
    /** Slices of one pass. */
    readonly slices: number,
    readonly rows: number,
    readonly columns: number,
    readonly onProgress?: (progress: DecodeProgress) => void,
  ) {}

  /** The callback of a pass over `columns` of the columns. */
  pass(columns: number): (rowsRead: number) => void {
    const before = this.#columnsDone;
    this.#columnsDone += columns;
    return (rowsRead) => {
      this.#slicesDone++;
      const cells = before * this.rows + columns * rowsRead;
      this.onProgress?.({
        rowsRead: Math.floor(cells / Math.max(1, this.columns)),
        rows: this.rows,
        slice: this.#slicesDone,
        slices: this.passes * this.slices,
      });
    };
  }
}

/**
 * Reads `columns` of every slice into `out`. Each slice is one materialized
 * query, run in parallel by DuckDB and awaited once; the second connection
 * runs slice k + 1 while slice k is copied. Awaits are few because each one
 * waits behind every request queued on the event loop when the server is
 * busy.
 */
export async function readPass(
  conns: DuckDBConnection[],
  parts: Slice[],
  columns: ColumnPlan[],
  opts: {
    rows: number;
    progress: (rowsRead: number) => void;
    signal?: AbortSignal;
  },
  out: Map<string, ReadColumn>,
): Promise<void> {
  if (columns.length === 0) return;
  // Dictionary columns are read as DuckDB's hash of each value (codes.ts).
  const select = columns.map((c) => {
    const name = quoteIdent(c.field.name);
    return "codes" in c ? `hash(${name}) AS ${name}` : name;
  }).join(", ");
  const reader = new RowsReader(columns, opts.rows);
  const run = (k: number) => {
    const p = parts[k]!;
    const done = conns[k % 2]!.run(
      `SELECT ${select} FROM (${p.sql}) WHERE ${ROW_NUM} >= ${p.from} AND ${ROW_NUM} < ${p.to}`,
    );
    // Awaited in turn; a failure while the previous slice is read must
    // not surface as an unhandled rejection.
    done.catch(() => {});
    return done;
  };
  let next: Promise<DuckDBMaterializedResult> | null = null;
  try {
    next = parts.length > 0 ? run(0) : null;
    for (let k = 0; k < parts.length; k++) {
      const result = await next!;
      opts.signal?.throwIfAborted();
      next = k + 1 < parts.length ? run(k + 1) : null;
      reader.read(result);
      opts.progress(reader.filled);
    }
  } finally {
    // A slice still running must finish before its connection closes.
    await next?.catch(() => {});
  }
  reader.finish().forEach((c, i) => out.set(columns[i]!.field.name, c));
}

/**
 * Rows per slice, at least: whole row groups (a group cut in two would be
 * decoded twice), enough of them that both DuckDB threads stay busy.
 */
const SLICE_ROWS = 1 << 18;

export interface Extents {
  /** Where each file's rows start in load order (ROW_FILE, ROW_NUM), then the total. */
  starts: Int32Array;
  /** Each file's physical row numbers end before this (deleted rows included). */
  ends: Float64Array;
}

export async function fileExtents(
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

export interface Slice {
  sql: string;
  from: number;
  to: number;
}

/** The source in load order as ranges of whole row groups of one file each. */
export async function slices(
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
