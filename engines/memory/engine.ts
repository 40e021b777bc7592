/**
 * The in-memory engine: a dataset is decoded once into typed columns
 * (DuckDB does the parquet decoding, straight into typed arrays), strings
 * are dictionary-encoded, chosen columns get equality indexes, and queries
 * run over those columns in JS with DuckDB's semantics.
 */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { DatasetSpec, Engine, LoadedDataset } from "../engine.ts";
import { ApiError } from "../../data/errors.ts";
import type { Field, ResultBatch } from "../../data/types.ts";
import type { PlanPredicate, QueryPlan } from "../../query/types.ts";
import { quoteIdent, ROW_FILE, ROW_NUM } from "../duckdb/sql.ts";
import type { ResolvedSource } from "../../sources/types.ts";
import { RowsReader } from "../duckdb/read.ts";
import { literal, relationSql } from "../duckdb/relation.ts";
import {
  dictionaryColumn,
  encodeStrings,
  type StoredColumn,
  valueWidth,
} from "./columns.ts";
import { countRows, select, type Table } from "./filter.ts";
import { gather } from "./gather.ts";
import { groupRows } from "./group.ts";
import { buildIndex, type EqIndex } from "./index.ts";
import { comparator, orderBounds, topRows } from "./order.ts";
import { tableBytes } from "./size.ts";

const STREAM_BATCH_ROWS = 16_384;

export interface MemoryDataset extends LoadedDataset {
  readonly table: Table;
}

function log(fields: Record<string, unknown>): void {
  console.error(
    JSON.stringify({
      ts: new Date().toISOString(),
      level: "info",
      engine: "memory",
      ...fields,
    }),
  );
}

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

  async load(
    spec: DatasetSpec,
    source: ResolvedSource,
  ): Promise<LoadedDataset> {
    const started = performance.now();
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    try {
      await conn.run("LOAD icu; SET TimeZone = 'UTC'");
      const rel = `(${relationSql(source, source.files)})`;
      const extents = await fileExtents(conn, rel, source.files.length);
      const rows = extents.starts[source.files.length]!;
      const fileBytes = source.files.reduce((a, f) => a + f.size, 0);
      const estimate = rows * source.schema.fields.reduce((a, f) =>
            a + valueWidth(f.type) + 1, 0) + fileBytes * 2;
      if (estimate > spec.memoryLimitBytes) {
        throw new ApiError(
          507,
          "insufficient_memory",
          `dataset "${spec.name}" needs about ${
            Math.ceil(estimate / 2 ** 20)
          } MiB in memory, over memory_limit_bytes (${
            Math.floor(spec.memoryLimitBytes / 2 ** 20)
          } MiB); use the duckdb engine or raise the limit`,
        );
      }
      const phase = { stats: 0, strings: 0, read: 0, index: 0 };
      let t = performance.now();
      const lap = (k: keyof typeof phase) => {
        const now = performance.now();
        phase[k] = Math.round(now - t);
        t = now;
      };
      const distinct = await approxDistinct(conn, rel, source.schema.fields);
      lap("stats");
      // Strings that repeat come out of DuckDB as ENUM codes, so no string
      // is decoded per row; mostly-distinct ones are read as text.
      const enums = await enumColumns(
        conn,
        rel,
        source.schema.fields,
        distinct,
        rows,
      );
      lap("strings");
      const cols = source.schema.fields.map((f) => {
        const e = enums.get(f.name);
        const c = quoteIdent(f.name);
        return e ? `enum_code(CAST(${c} AS ${e.type}))::INTEGER AS ${c}` : c;
      });
      const readFields = source.schema.fields.map((f) =>
        enums.has(f.name) ? { ...f, type: CODE_TYPE } : f
      );
      const reader = new RowsReader(readFields, rows);
      // While JS converts one slice, DuckDB builds the next on a second
      // connection (temp tables are per connection); one slice at a time
      // keeps DuckDB's copy of the data small beside the JS columns. A
      // parallel CREATE TABLE AS then a plain scan beats one streaming
      // query doing the casts on a single thread.
      const conns = [conn, await db.connect()];
      try {
        const parts = await slices(conn, source, extents);
        const build = (k: number) => {
          const p = parts[k]!;
          const done = conns[k % 2]!.run(
            `CREATE OR REPLACE TEMP TABLE dp_load AS SELECT ${
              cols.join(", ")
            } FROM (${p.sql}) WHERE ${ROW_NUM} >= ${p.from} AND ${ROW_NUM} < ${p.to}`,
          );
          // Awaited below; a failure while the previous slice is read must
          // not surface as an unhandled rejection.
          done.catch(() => {});
          return done;
        };
        let next = parts.length > 0 ? build(0) : null;
        for (let k = 0; k < parts.length; k++) {
          await next;
          next = k + 1 < parts.length ? build(k + 1) : null;
          const c = conns[k % 2]!;
          await reader.read(await c.stream("SELECT * FROM dp_load"));
          await c.run("DROP TABLE dp_load");
          if (parts.length > 1) {
            log({
              msg: "loading",
              dataset: spec.name,
              rows_read: reader.filled,
              rows,
              slice: `${k + 1}/${parts.length}`,
            });
          }
        }
      } finally {
        conns[1]!.closeSync();
      }
      const batch = reader.finish();
      const columns = new Map<string, StoredColumn>();
      batch.columns.forEach((c, i) => {
        const field = source.schema.fields[i]!;
        const e = enums.get(field.name);
        columns.set(
          field.name,
          e
            ? dictionaryColumn(field, e.dict, c.values as Int32Array, c.valid)
            : field.type.kind === "string"
            ? encodeStrings(field, c.values as string[], c.valid, rows)
            : { field, values: c.values, valid: c.valid },
        );
      });
      lap("read");
      const indexes = new Map<string, EqIndex>();
      const candidates = spec.mode === "none"
        ? []
        : spec.mode === "list"
        ? spec.indexColumns
        : [...columns.keys()];
      const limit = spec.mode === "list"
        ? Number.MAX_SAFE_INTEGER
        : spec.indexMaxCardinality;
      for (const name of candidates) {
        const col = columns.get(name);
        // HyperLogLog is within a few percent: only clear misses are skipped
        // without the exact count buildIndex makes.
        if (!col || (distinct.get(name) ?? 0) > limit * 1.25) {
          continue;
        }
        const idx = buildIndex(col, rows, limit);
        if (idx) {
          indexes.set(name, idx);
        }
      }
      lap("index");
      log({
        msg: "loaded",
        dataset: spec.name,
        rows,
        indexed: [...indexes.keys()],
        ms: Math.round(performance.now() - started),
        phases_ms: phase,
      });
      const files = source.partitionColumns.length > 0 &&
          source.files.length > 1
        ? { source, starts: extents.starts }
        : undefined;
      const ds: MemoryDataset = {
        name: spec.name,
        schema: source.schema,
        rows,
        indexed: new Set(indexes.keys()),
        source,
        table: { rows, columns, indexes, files },
      };
      return ds;
    } finally {
      conn.closeSync();
      db.closeSync();
    }
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
    for (let at = 0; at < rows.length; at += STREAM_BATCH_ROWS) {
      signal.throwIfAborted();
      yield this.#batch(
        plan.output,
        rows.subarray(at, at + STREAM_BATCH_ROWS),
        columns,
      );
      // Let other requests run between batches of a long export.
      await new Promise((r) => setTimeout(r, 0));
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

  heldBytes(ds: LoadedDataset): number {
    return tableBytes((ds as MemoryDataset).table);
  }

  close(_ds: LoadedDataset): Promise<void> {
    // Columns are garbage once the registry drops the dataset.
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

let enumSeq = 0;

/**
 * Rows per load slice, at least: whole row groups (a group cut in two would
 * be decoded twice), enough of them that both DuckDB threads stay busy.
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

/** The dataset in load order as ranges of whole row groups of one file each. */
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

/** Dictionary codes are read as this type (-1 never occurs: nulls are invalid). */
const CODE_TYPE = { kind: "int", bits: 32, signed: true } as const;

/**
 * Estimated distinct values per string column (HyperLogLog, one scan in
 * DuckDB). Other columns need no estimate: buildIndex gives up on them
 * as soon as it has seen more distinct values than the index allows.
 */
async function approxDistinct(
  conn: DuckDBConnection,
  rel: string,
  fields: Field[],
): Promise<Map<string, number>> {
  const flat = fields.filter((f) => f.type.kind === "string");
  if (flat.length === 0) return new Map();
  const row = (await conn.runAndReadAll(
    `SELECT ${
      flat.map((f) => `approx_count_distinct(${quoteIdent(f.name)})::BIGINT`)
        .join(", ")
    } FROM ${rel}`,
  )).getRows()[0]!;
  return new Map(flat.map((f, i) => [f.name, Number(row[i])]));
}

/**
 * String columns whose values repeat get a DuckDB ENUM type whose values,
 * in UTF-8 byte order, are the dictionary; returns column name → {type
 * name, dictionary}.
 */
async function enumColumns(
  conn: DuckDBConnection,
  rel: string,
  fields: Field[],
  distinct: Map<string, number>,
  rows: number,
): Promise<Map<string, { type: string; dict: string[] }>> {
  const out = new Map<string, { type: string; dict: string[] }>();
  for (const f of fields) {
    if (f.type.kind !== "string" || rows === 0) continue;
    if ((distinct.get(f.name) ?? rows) > rows / 2) continue;
    const col = quoteIdent(f.name);
    const type = `dp_enum_${++enumSeq}`;
    await conn.run(
      `CREATE TYPE ${type} AS ENUM (SELECT DISTINCT ${col} FROM ${rel} WHERE ${col} IS NOT NULL ORDER BY ${col})`,
    );
    const dict = (await conn.runAndReadAll(
      `SELECT unnest(enum_range(NULL::${type}))::VARCHAR`,
    )).getRows().map((r) => r[0] as string);
    out.set(f.name, { type, dict });
  }
  return out;
}
