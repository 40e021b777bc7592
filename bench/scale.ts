/**
 * Both engines from 2M to 20M rows (the DuckDB engine on its view and on
 * its native table): the accidents shape plus `Note`, an 80-character
 * mostly-distinct text column. Per size and storage: time to ready (for the
 * memory engine, its whole load) and to the table's swap, RSS, and
 * single-client latency (p50, p99) of the eq, count, group_by and order_by
 * requests; per size, DuckDB's own `CREATE TABLE AS` of the file, which the
 * memory engine's load is measured against.
 *
 *   deno run -A bench/scale.ts [ROWS...]     (default 2000000 20000000)
 *   SCALE_RUNS=30 SCALE_STORAGES=memory deno run -A bench/scale.ts 2000000
 *
 * The files are written once under bench/data/ (the 20M one is ~1 GB).
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { generateAccidents } from "../demo/generate.ts";
import { builtAside, datapress, QUERIES, type Server } from "./_load.ts";

const RUNS = Number(Deno.env.get("SCALE_RUNS") ?? 30);
const SIZES = Deno.args.length > 0
  ? Deno.args.map(Number)
  : [2_000_000, 20_000_000];
/** `table` and `view` are the DuckDB engine's storages; `memory` the memory engine. */
const STORAGES = (Deno.env.get("SCALE_STORAGES") ?? "table,view,memory")
  .split(",");
const SHAPES = [
  "selective eq, page 50",
  "count State eq TX",
  "group_by State",
  "order_by page 50",
];

async function dataFile(rows: number): Promise<string> {
  const path = new URL(`./data/scale-${rows}.parquet`, import.meta.url)
    .pathname;
  try {
    await Deno.stat(path);
    return path;
  } catch { /* written below */ }
  const base = `${path}.base.parquet`;
  console.error(`generating ${rows} rows…`);
  await generateAccidents(base, rows);
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  // md5 of the row number, twice and a half: 80 hex characters, distinct
  // per row but for a few repeats (every 1,000th row copies its neighbour).
  await c.run(`COPY (
    SELECT * EXCLUDE (file_row_number, n), md5(n::VARCHAR) || md5((n * 31)::VARCHAR) ||
      left(md5((n * 17)::VARCHAR), 16) AS Note
    FROM (SELECT *, CASE WHEN file_row_number % 1000 = 1 THEN file_row_number - 1
                         ELSE file_row_number END AS n
          FROM read_parquet('${base}', file_row_number = true))
    ORDER BY file_row_number
  ) TO '${path}.tmp' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`);
  c.closeSync();
  db.closeSync();
  await Deno.rename(`${path}.tmp`, path);
  await Deno.remove(base);
  return path;
}

function rssMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) /
    1024;
}

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

/** p50 and p99 (ms) of RUNS sequential requests after two warm-ups. */
async function latency(srv: Server, name: string): Promise<[number, number]> {
  const q = QUERIES[name]!;
  const url = `${srv.url}/api/v1/datasets/accidents/${q.route}`;
  for (let i = 0; i < 2; i++) await post(url, q.body);
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await post(url, q.body);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return [
    ms[Math.floor(RUNS / 2)]!,
    ms[Math.min(RUNS - 1, Math.floor(RUNS * 0.99))]!,
  ];
}

const out: string[] = [
  `| rows | storage | ready | table or indexes built | RSS ready → after the queries (peak) | ${
    SHAPES.map((s) => `${s} p50 / p99`).join(" | ")
  } |`,
  `|---|---|---|---|---|${SHAPES.map(() => "---|").join("")}`,
];
/** Seconds DuckDB takes to copy `path` into an in-memory table, in this process. */
async function ctasSeconds(path: string): Promise<number> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  const t = performance.now();
  await c.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${path}')`);
  const s = (performance.now() - t) / 1000;
  c.closeSync();
  db.closeSync();
  return s;
}

const loads: string[] = [];
const ctas: string[] = [];
for (const rows of SIZES) {
  const source = await dataFile(rows);
  if (STORAGES.includes("memory")) {
    ctas.push(
      `${rows.toLocaleString("en")}: ${
        (await ctasSeconds(source)).toFixed(1)
      } s`,
    );
  }
  for (const storage of STORAGES) {
    const srv = storage === "memory"
      ? await datapress("memory", { cache_bytes: 0 }, { source })
      : await datapress("duckdb", { cache_bytes: 0 }, { source, storage });
    try {
      const rssReady = rssMb(srv.child.pid, "VmRSS");
      let swapped = "—";
      if (storage !== "view") {
        // The DuckDB engine's table, the memory engine's indexes.
        const t0 = performance.now();
        await builtAside(srv.url);
        swapped = `${
          ((performance.now() - t0 + srv.readyMs) / 1000).toFixed(1)
        } s`;
      }
      const lat: string[] = [];
      for (const name of SHAPES) {
        const [p50, p99] = await latency(srv, name);
        // Tenths below 10 ms, where a whole millisecond hides the p99/p50 ratio.
        const ms = (x: number) => x.toFixed(x < 10 ? 1 : 0);
        lat.push(`${ms(p50)} / ${ms(p99)} ms`);
      }
      out.push(
        `| ${rows.toLocaleString("en")} | ${storage} | ${
          srv.readyMs.toFixed(0)
        } ms | ${swapped} | ${rssReady.toFixed(0)} → ${
          rssMb(srv.child.pid, "VmRSS").toFixed(0)
        } (${rssMb(srv.child.pid, "VmHWM").toFixed(0)}) MB | ${
          lat.join(" | ")
        } |`,
      );
      loads.push((await Deno.readTextFile("/proc/loadavg")).split(" ")[0]!);
      console.error(out.at(-1));
    } finally {
      await srv.stop();
    }
  }
}
out.push("", `load average (1 min) after each row: ${loads.join(", ")}`);
if (ctas.length > 0) {
  out.push(`DuckDB CREATE TABLE AS in process: ${ctas.join(", ")}`);
}
console.log(out.join("\n"));
