/**
 * Load time and peak RSS of the memory engine against DuckDB's own
 * `CREATE TABLE AS` of the same file, each in a fresh process of this
 * script (load: until the dataset answers; big tables get their equality
 * indexes after that, in the background, and `indexedMs` is when they are
 * in, and `indexLagMs` how late a 1 ms timer fired meanwhile), plus the
 * latency of an indexed eq query, the RSS right after the
 * indexes and 10 s later (steady), and how long a full collection of the loaded
 * heap takes (the pause a server holding the data would see). A
 * measurement, not a test.
 *
 * Two floors, also each in a fresh process, say what any load through
 * DuckDB into JS costs here: `handoff` is the CTAS plus every chunk of the
 * table handed to JS with each vector's data fetched (nothing converted,
 * no string decoded); `idle` is the RSS and the full collection of a
 * process that has opened DuckDB and holds no data. `fault` is the time a
 * fresh process takes to first touch as many bytes as the data's Arrow
 * size (one write per 4 KiB page): the page faults any load that ends up
 * holding the data pays at least once.
 *
 *   deno run -A bench/memory_load.ts [FILE.parquet] [ROWS]
 *
 * Without FILE it writes a ROWS-row (default 2,000,000) file to the temp dir:
 * ints, doubles, a low- and a high-cardinality string, timestamps, nulls.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { type MemoryDataset, MemoryEngine } from "../engines/memory/mod.ts";

import { resolveSource } from "../sources/resolve.ts";
import { parseQueryBody } from "../query/parse.ts";
import { planQuery } from "../query/plan.ts";

function rssMb(field: "VmHWM" | "VmRSS"): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

function peakRssMb(): number {
  return rssMb("VmHWM");
}

/** p50, p99 and max ms by which a 1 ms timer fires late until `done` settles. */
async function timerLags(
  done: Promise<unknown>,
): Promise<{ p50: number; p99: number; max: number }> {
  let settled = false;
  done.finally(() => settled = true);
  const lags: number[] = [];
  while (!settled) {
    const t = performance.now();
    await new Promise((r) => setTimeout(r, 1));
    lags.push(performance.now() - t - 1);
  }
  lags.sort((a, b) => a - b);
  const at = (q: number) =>
    +(lags[Math.min(lags.length - 1, Math.floor(lags.length * q))] ?? 0)
      .toFixed(1);
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}

/** Median ms of five full collections (the process runs with --expose-gc). */
function fullGcMs(): number {
  const gc = (globalThis as unknown as { gc: () => void }).gc;
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    gc();
    ms.push(performance.now() - t);
  }
  return +ms.sort((a, b) => a - b)[2]!.toFixed(1);
}

async function generate(path: string, rows: number): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run(`COPY (
    SELECT i::BIGINT AS id,
      (hash(i) % 1000)::INTEGER AS small,
      CASE WHEN i % 10 = 0 THEN NULL ELSE (hash(i + 1) % 100000) / 7.0 END AS x,
      ['red','green','blue','cyan','magenta'][1 + (i % 5)] AS colour,
      CASE WHEN i % 17 = 0 THEN NULL ELSE 'user-' || hash(i + 2) % 5000000 END AS uid,
      TIMESTAMP '2020-01-01' + to_seconds((hash(i + 3) % 100000000)::BIGINT) AS at
    FROM range(${rows}) t(i) ORDER BY i
  ) TO '${path}' (FORMAT parquet, COMPRESSION zstd)`);
  c.closeSync();
  db.closeSync();
}

/** Arrow in-memory size: value widths + validity bits + string offsets and bytes. */
async function arrowBytes(path: string): Promise<number> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  const cols = (await c.runAndReadAll(
    `SELECT name, type FROM parquet_schema('${path}') WHERE type IS NOT NULL`,
  )).getRows();
  const rows = Number(
    (await c.runAndReadAll(`SELECT count(*) FROM '${path}'`)).getRows()[0]![0],
  );
  let total = 0;
  for (const [name, type] of cols) {
    total += Math.ceil(rows / 8);
    if (type === "BYTE_ARRAY") {
      const bytes = (await c.runAndReadAll(
        `SELECT sum(strlen("${name}"))::BIGINT FROM '${path}'`,
      )).getRows()[0]![0];
      total += 4 * (rows + 1) + Number(bytes ?? 0);
    } else if (type === "BOOLEAN") total += Math.ceil(rows / 8);
    else total += rows * (type === "INT32" || type === "FLOAT" ? 4 : 8);
  }
  c.closeSync();
  db.closeSync();
  return total;
}

type Mode = "duckdb" | "memory" | "handoff" | "idle" | "fault";

async function child(mode: Mode, path: string, arg?: string): Promise<void> {
  const t = performance.now();
  if (mode === "fault") {
    const bytes = new Uint8Array(Number(arg));
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 1;
    const ms = performance.now() - t;
    console.log(
      JSON.stringify({ mode, ms: Math.round(ms), bytes: bytes.length }),
    );
    return;
  }
  if (mode === "idle") {
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    await c.run("SELECT 1");
    console.log(
      JSON.stringify({ mode, ms: 0, rssMb: peakRssMb(), fullGcMs: fullGcMs() }),
    );
    return;
  }
  if (mode === "handoff") {
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    await c.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${path}')`);
    const result = await c.stream("SELECT * FROM t");
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (let i = 0; i < chunk.columnCount; i++) chunk.getColumnVector(i);
    }
    const ms = performance.now() - t;
    console.log(
      JSON.stringify({ mode, ms: Math.round(ms), rssMb: peakRssMb() }),
    );
    return;
  }
  if (mode === "duckdb") {
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    await c.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${path}')`);
    const ms = performance.now() - t;
    console.log(
      JSON.stringify({ mode, ms: Math.round(ms), rssMb: peakRssMb() }),
    );
    return;
  }
  const engine = new MemoryEngine();
  const source = await resolveSource({ name: "m", source: path });
  const ds = await engine.load({
    name: "m",
    mode: "auto",
    indexColumns: [],
    indexMaxCardinality: 100_000,
    memoryLimitBytes: 2 ** 40,
  }, source);
  const ms = performance.now() - t;
  // Big tables are indexed after the load, in the background (load.ts);
  // what a request waits meanwhile is the lag of a 1 ms timer.
  const lags = await timerLags((ds as MemoryDataset).indexing);
  const indexedMs = performance.now() - t;
  const peakMb = peakRssMb();
  const gcMs = fullGcMs();
  const loadedMb = rssMb("VmRSS");
  // DuckDB's allocator hands the decode's freed memory back after a few seconds.
  await new Promise((r) => setTimeout(r, 10_000));
  const steadyMb = rssMb("VmRSS");
  let indexBytes = 0;
  for (const idx of (ds as MemoryDataset).table.indexes.values()) {
    indexBytes += idx.rows.byteLength + idx.offsets.byteLength;
  }
  // An indexed eq on the first indexed string column, page 50.
  const col = ds.schema.fields.find((f) =>
    ds.indexed.has(f.name) && f.type.kind === "string"
  )!;
  const first = await engine.query(
    ds,
    planQuery(
      parseQueryBody({ columns: [col.name], page_size: 1 }),
      ds.schema,
      { maxPageSize: 100_000 },
    ),
    new AbortController().signal,
  );
  const plan = planQuery(
    parseQueryBody({
      predicates: [{
        col: col.name,
        op: "eq",
        val: (first.columns[0]!.values as string[])[0],
      }],
      page_size: 50,
    }),
    ds.schema,
    { maxPageSize: 100_000 },
  );
  const runs = 2000;
  const q0 = performance.now();
  for (let i = 0; i < runs; i++) {
    await engine.query(ds, plan, new AbortController().signal);
  }
  const us = (performance.now() - q0) * 1000 / runs;
  console.log(JSON.stringify({
    mode,
    ms: Math.round(ms),
    indexedMs: Math.round(indexedMs),
    indexLagMs: lags,
    rssMb: peakMb,
    loadedMb,
    steadyMb,
    fullGcMs: gcMs,
    heapMb: Math.round(Deno.memoryUsage().heapUsed / 2 ** 20),
    indexMb: Math.round(indexBytes / 2 ** 20),
    rows: ds.rows,
    indexed: [...ds.indexed],
    eqColumn: col.name,
    eqQueryUs: Math.round(us),
  }));
}

async function main(): Promise<void> {
  const [mode, arg] = Deno.args;
  if (mode === "--child") {
    return await child(Deno.args[2] as Mode, arg!, Deno.args[3]);
  }
  let path = mode;
  if (!path) {
    path = `${Deno.env.get("TMPDIR") ?? "/tmp"}/datapress-measure-${
      arg ?? 2_000_000
    }.parquet`;
    try {
      await Deno.stat(path);
    } catch {
      await generate(path, Number(arg ?? 2_000_000));
    }
  }
  const run = async (m: string, extra = "") => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--v8-flags=--expose-gc",
        import.meta.filename!,
        "--child",
        path,
        m,
        extra,
      ],
      stderr: "inherit",
    }).output();
    return JSON.parse(new TextDecoder().decode(out.stdout).trim());
  };
  const duck = await run("duckdb");
  const handoff = await run("handoff");
  const idle = await run("idle");
  const mem = await run("memory");
  const arrow = await arrowBytes(path);
  const arrowMb = arrow / 2 ** 20;
  const fault = await run("fault", String(arrow));
  // The least RSS that holds the data as Arrow and the indexes the
  // engine's policy asks for, in a process that has DuckDB open.
  const floorMb = idle.rssMb + arrowMb + mem.indexMb;
  console.log(JSON.stringify(
    {
      file: path,
      duckdb: duck,
      handoff,
      idle,
      fault,
      memory: mem,
      arrowMb: Math.round(arrowMb),
      loadRatio: +(mem.ms / duck.ms).toFixed(2),
      handoffRatio: +(handoff.ms / duck.ms).toFixed(2),
      faultRatio: +(fault.ms / duck.ms).toFixed(2),
      rssOverArrow: +(mem.rssMb / arrowMb).toFixed(2),
      steadyRssOverArrow: +(mem.steadyMb / arrowMb).toFixed(2),
      rssFloorOverArrow: +(floorMb / arrowMb).toFixed(2),
    },
    null,
    1,
  ));
}

await main();
