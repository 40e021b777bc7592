/**
 * The in-memory engine: a dataset is decoded once into typed columns
 * (DuckDB does the parquet decoding, straight into typed arrays), strings
 * are dictionary-encoded, chosen columns get equality indexes, and queries
 * run over those columns in JS with DuckDB's semantics.
 */
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBResult,
} from "@duckdb/node-api";
import type { DatasetSpec, Engine, LoadedDataset } from "../engine.ts";
import { ApiError } from "../../query/errors.ts";
import type {
  Field,
  PlanPredicate,
  QueryPlan,
  ResultBatch,
} from "../../query/types.ts";
import { quoteIdent, ROW_FILE, ROW_NUM } from "../../query/sql.ts";
import type { ResolvedSource } from "../../sources/types.ts";
import { readBatch } from "../duckdb/read.ts";
import { relationSql } from "../duckdb/relation.ts";
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
import { comparator, topRows } from "./order.ts";

const STREAM_BATCH_ROWS = 16_384;

interface MemoryDataset extends LoadedDataset {
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
      const rows = Number(
        (await conn.runAndReadAll(`SELECT count(*)::BIGINT FROM ${rel}`))
          .getRows()[0]![0] as bigint,
      );
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
      const order = source.files.length > 1
        ? ` ORDER BY ${ROW_FILE}, ${ROW_NUM}`
        : "";
      // Low-cardinality strings come out of DuckDB as ENUM codes, so no
      // string is decoded per row; the rest are read column by column.
      const enums = await enumColumns(conn, rel, source.schema.fields, rows);
      const plain = source.schema.fields.filter((f) =>
        !enums.has(f.name)
      );
      const columns = new Map<string, StoredColumn>();
      if (plain.length > 0) {
        const cols = plain.map((f) => quoteIdent(f.name)).join(", ");
        const result = await conn.stream(`SELECT ${cols} FROM ${rel}${order}`);
        const batch = await readBatch(result, plain);
        for (const c of batch.columns) {
          columns.set(
            c.field.name,
            c.field.type.kind === "string"
              ? encodeStrings(c.field, c.values as string[], c.valid, rows)
              : { field: c.field, values: c.values, valid: c.valid },
          );
        }
      }
      if (enums.size > 0) {
        const names = [...enums.keys()];
        const cols = names.map((n) =>
          `CAST(${quoteIdent(n)} AS ${enums.get(n)!.type}) AS ${quoteIdent(n)}`
        ).join(", ");
        const result = await conn.stream(`SELECT ${cols} FROM ${rel}${order}`);
        const codes = await readEnumCodes(result, names.length, rows);
        names.forEach((n, i) => {
          const field = source.schema.fields.find((f) => f.name === n)!;
          columns.set(
            n,
            dictionaryColumn(field, enums.get(n)!.dict, codes[i]!),
          );
        });
      }
      // Keep the schema's column order.
      const ordered = new Map(
        source.schema.fields.map((f) => [f.name, columns.get(f.name)!]),
      );
      columns.clear();
      for (const [k, v] of ordered) columns.set(k, v);
      const indexes = new Map<string, EqIndex>();
      const candidates = spec.mode === "none"
        ? []
        : spec.mode === "list"
        ? spec.indexColumns
        : [...columns.keys()];
      for (const name of candidates) {
        const col = columns.get(name);
        if (!col) {
          continue;
        }
        const limit = spec.mode === "list"
          ? Number.MAX_SAFE_INTEGER
          : spec.indexMaxCardinality;
        const idx = buildIndex(col, rows, limit);
        if (idx) {
          indexes.set(name, idx);
        }
      }
      log({
        msg: "loaded",
        dataset: spec.name,
        rows,
        indexed: [...indexes.keys()],
        ms: Math.round(performance.now() - started),
      });
      const ds: MemoryDataset = {
        name: spec.name,
        schema: source.schema,
        rows,
        indexed: new Set(indexes.keys()),
        source,
        table: { rows, columns, indexes },
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
      const cmp = comparator(
        plan.orderBy.map((o) => ({ col: base(o.col), desc: o.dir === "desc" })),
      );
      const all = sel ?? range(0, t.rows);
      return {
        rows: topRows(all, plan.offset + limit, cmp).subarray(plan.offset),
        columns: base,
      };
    }
    const g = groupRows(
      sel ?? range(0, t.rows),
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

  close(): Promise<void> {
    // Columns are garbage once the registry drops the dataset.
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

let enumSeq = 0;

/**
 * String columns with few distinct values get a DuckDB ENUM type whose
 * values are the dictionary; returns column name → {type name, dictionary}.
 */
async function enumColumns(
  conn: DuckDBConnection,
  rel: string,
  fields: Field[],
  rows: number,
): Promise<Map<string, { type: string; dict: string[] }>> {
  const out = new Map<string, { type: string; dict: string[] }>();
  const strings = fields.filter((f) => f.type.kind === "string");
  if (strings.length === 0 || rows === 0) return out;
  const counts = (await conn.runAndReadAll(
    `SELECT ${
      strings.map((f) => `approx_count_distinct(${quoteIdent(f.name)})`).join(
        ", ",
      )
    } FROM ${rel}`,
  )).getRows()[0]!;
  const max = Math.min(60_000, Math.max(1, rows >> 2));
  for (let i = 0; i < strings.length; i++) {
    if (Number(counts[i]) > max) continue;
    const col = quoteIdent(strings[i]!.name);
    const type = `dp_enum_${++enumSeq}`;
    await conn.run(
      `CREATE TYPE ${type} AS ENUM (SELECT DISTINCT ${col} FROM ${rel} WHERE ${col} IS NOT NULL)`,
    );
    const dict = (await conn.runAndReadAll(
      `SELECT unnest(enum_range(NULL::${type}))::VARCHAR`,
    )).getRows().map((r) => r[0] as string);
    out.set(strings[i]!.name, { type, dict });
  }
  return out;
}

/** Reads ENUM columns as their codes (-1 for null) straight from DuckDB's vectors. */
async function readEnumCodes(
  result: DuckDBResult,
  columns: number,
  rows: number,
): Promise<Int32Array[]> {
  const out = Array.from({ length: columns }, () => new Int32Array(rows));
  let at = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    for (let c = 0; c < columns; c++) {
      const vec = chunk.getColumnVector(c) as unknown as {
        items: Uint8Array | Uint16Array | Uint32Array;
        validity: { data: BigUint64Array | null; offset: number };
      };
      const dst = out[c]!;
      dst.set(vec.items.subarray(0, n), at);
      const data = vec.validity.data;
      if (data) {
        const bytes = new Uint8Array(
          data.buffer,
          data.byteOffset,
          data.byteLength,
        );
        const off = vec.validity.offset;
        for (let i = 0; i < n; i++) {
          const bit = off + i;
          if (!((bytes[bit >> 3]! >> (bit & 7)) & 1)) dst[at + i] = -1;
        }
      }
    }
    at += n;
  }
  return out;
}
