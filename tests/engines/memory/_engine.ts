/** Shared by the memory engine's tests: a dataset spec, DuckDB as a reference, loads and requests. */
import { DuckDBInstance } from "@duckdb/node-api";
import { MemoryEngine } from "../../../engines/memory/mod.ts";
import type { DatasetSpec, LoadedDataset } from "../../../engines/engine.ts";
import { parseCountBody, parseQueryBody } from "../../../query/parse.ts";
import { planCount, planQuery } from "../../../query/plan.ts";
import type { ResultBatch } from "../../../data/types.ts";
import { resolveSource } from "../../../sources/resolve.ts";

export const signal = new AbortController().signal;

export function spec(over: Partial<DatasetSpec> = {}): DatasetSpec {
  return {
    name: "t",
    mode: "auto",
    indexColumns: [],
    indexMaxCardinality: 100_000,
    memoryLimitBytes: 2 ** 32,
    ...over,
  };
}

export async function duck(sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRows() as unknown[][];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** Writes `select` to a parquet file and loads it into a memory dataset. */
export async function load(
  select: string,
  s: Partial<DatasetSpec> = {},
): Promise<{ ds: LoadedDataset; path: string; engine: MemoryEngine }> {
  const dir = await Deno.makeTempDir({ prefix: "datapress-mem-" });
  const path = `${dir}/t.parquet`;
  await duck(`COPY (${select}) TO '${path}' (FORMAT parquet)`);
  const engine = new MemoryEngine();
  const source = await resolveSource({ name: "t", source: path });
  return { ds: await engine.load(spec(s), source), path, engine };
}

export function query(
  engine: MemoryEngine,
  ds: LoadedDataset,
  body: unknown,
): Promise<ResultBatch> {
  return engine.query(
    ds,
    planQuery(parseQueryBody(body), ds.schema, { maxPageSize: 100_000 }),
    signal,
  );
}

export function count(
  engine: MemoryEngine,
  ds: LoadedDataset,
  body: unknown,
): Promise<number> {
  return engine.count(ds, planCount(parseCountBody(body), ds.schema), signal);
}

export const BASE = `SELECT i::INTEGER AS id, ['a','b','c'][1 + i % 3] AS low,
  'k' || i AS high, (i % 7)::INTEGER AS seven FROM range(3000) t(i)`;
