/**
 * Catalogue size: start time (spawn → /readyz 200) and RSS of one server
 * holding many datasets.
 *
 * - 1,000 small datasets (one 10-row parquet file each), on both engines,
 *   with a fresh KV, then restarted on the same KV (versions adopted);
 * - 100 datasets of 1,000,000 rows each on the DuckDB engine.
 *
 * Data is written once with DuckDB COPY under bench/data/catalogue/.
 *
 *   deno run -A bench/catalogue.ts
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { startReplica } from "../tests/_shared/replica.ts";

const DATA = new URL("./data/catalogue/", import.meta.url).pathname;

/** Writes `count` parquet files of `rows` rows under `dir` (skipped when the last one exists). */
async function generate(dir: string, count: number, rows: number) {
  const last = `${dir}/${count - 1}.parquet`;
  if (await Deno.stat(last).then(() => true, () => false)) return;
  await Deno.mkdir(dir, { recursive: true });
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  for (let i = 0; i < count; i++) {
    await c.run(`COPY (
      SELECT range AS id, ${i} AS part, range % 97 AS k,
        (range * 0.37) % 1000 AS x,
        ['TX','CA','NY','WA','FL'][1 + range % 5] AS state
      FROM range(${rows})
    ) TO '${dir}/${i}.parquet.tmp' (FORMAT parquet)`);
    await Deno.rename(`${dir}/${i}.parquet.tmp`, `${dir}/${i}.parquet`);
  }
  c.closeSync();
  db.closeSync();
}

function rssMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Math.round(
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024,
  );
}

interface Run {
  label: string;
  readyMs: number;
  rss: number;
  peak: number;
  files: number;
}

/** One server over `count` files of `dir`; resolves once every dataset is ready. */
async function run(
  label: string,
  dir: string,
  count: number,
  engine: string,
  kv: string,
): Promise<Run> {
  const config = `${kv}.json`;
  await Deno.writeTextFile(
    config,
    JSON.stringify({
      backend: engine,
      kv,
      datasets: Array.from({ length: count }, (_, i) => ({
        name: `d${i}`,
        source: `${dir}/${i}.parquet`,
      })),
    }),
  );
  const t0 = performance.now();
  const r = await startReplica(["--config", config]);
  try {
    // `listening` is printed after every dataset loaded; readyz confirms.
    const ready = await (await fetch(`${r.url}/readyz`)).json();
    if (ready.datasets !== count) throw new Error(JSON.stringify(ready));
    const readyMs = performance.now() - t0;
    const list = await (await fetch(`${r.url}/api/v1/datasets`)).json();
    if (list.datasets.length !== count) throw new Error("not all listed");
    return {
      label,
      readyMs,
      rss: rssMb(r.pid, "VmRSS"),
      peak: rssMb(r.pid, "VmHWM"),
      files: [...Deno.readDirSync(`/proc/${r.pid}/fd`)].length,
    };
  } finally {
    await r.stop();
  }
}

await generate(`${DATA}/small`, 1_000, 10);
await generate(`${DATA}/large`, 100, 1_000_000);
const tmp = await Deno.makeTempDir({ prefix: "datapress-bench-catalogue-" });
const runs: Run[] = [];
try {
  for (const engine of ["duckdb", "memory"]) {
    const kv = `${tmp}/${engine}-small.sqlite3`;
    runs.push(
      await run(
        `1,000 × 10 rows, ${engine}, fresh KV`,
        `${DATA}/small`,
        1_000,
        engine,
        kv,
      ),
    );
    runs.push(
      await run(
        `1,000 × 10 rows, ${engine}, restart`,
        `${DATA}/small`,
        1_000,
        engine,
        kv,
      ),
    );
  }
  runs.push(
    await run(
      "100 × 1,000,000 rows, duckdb, fresh KV",
      `${DATA}/large`,
      100,
      "duckdb",
      `${tmp}/large.sqlite3`,
    ),
  );
} finally {
  await Deno.remove(tmp, { recursive: true });
}
console.log(
  `| catalogue | ready (spawn → all loaded) | RSS ready | peak RSS | open files |`,
);
console.log(`| --- | --- | --- | --- | --- |`);
for (const r of runs) {
  console.log(
    `| ${r.label} | ${
      (r.readyMs / 1000).toFixed(2)
    } s | ${r.rss} MB | ${r.peak} MB | ${r.files} |`,
  );
}
