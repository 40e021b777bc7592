/**
 * Whole exports (CSV, NDJSON, Parquet) of the bench file over HTTP, on each
 * engine, against DuckDB's own `COPY … TO` of the same columns in this
 * process: the same-run baseline for streaming a whole answer. Each export
 * is read to the end by fetch, uncompressed; the median of RUNS (default 3)
 * is reported.
 * A measurement, not a test.
 *
 *   deno run -A bench/exports.ts [duckdb,memory]
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { builtAside, datapress } from "./_load.ts";

const DATA = new URL("./data/accidents.parquet", import.meta.url).pathname;
const RUNS = Number(Deno.env.get("RUNS") ?? 3);
const COLUMNS = [
  "ID",
  "Severity",
  "Start_Time",
  "City",
  "State",
  "Temperature(F)",
  "Description",
];
const FORMATS = ["csv", "ndjson", "parquet"] as const;

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
}

/** ms and bytes of reading `url` to its end. */
async function timed(url: string): Promise<{ ms: number; bytes: number }> {
  const t = performance.now();
  // Uncompressed: fetch would ask for gzip or br, and time the compressor.
  const res = await fetch(url, { headers: { "accept-encoding": "identity" } });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  let bytes = 0;
  for await (const chunk of res.body!) bytes += chunk.length;
  return { ms: performance.now() - t, bytes };
}

/** DuckDB writing the same columns to a file in `format`, ms. */
async function duckdbCopy(format: string): Promise<number> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  const dir = await Deno.makeTempDir();
  const cols = COLUMNS.map((c) => `"${c}"`).join(", ");
  const opts = format === "ndjson" ? "FORMAT json" : `FORMAT ${format}`;
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await conn.run(
      `COPY (SELECT ${cols} FROM '${DATA}') TO '${dir}/out' (${opts})`,
    );
    ms.push(performance.now() - t);
  }
  conn.closeSync();
  db.closeSync();
  await Deno.remove(dir, { recursive: true });
  return median(ms);
}

const engines = (Deno.args[0] ?? "duckdb,memory").split(",");
const baseline: Record<string, number> = {};
for (const f of FORMATS) baseline[f] = await duckdbCopy(f);
console.log(
  `whole export of ${COLUMNS.length} columns × 2,000,000 rows; medians of ${RUNS}`,
);
console.log("| engine | format | MB | ms | vs DuckDB's COPY TO a file |");
console.log("|---|---|---|---|---|");
for (const f of FORMATS) {
  console.log(
    `| in-process DuckDB | ${f} | — | ${baseline[f]!.toFixed(0)} | 1.00 |`,
  );
}
for (const engine of engines) {
  const srv = await datapress(engine, {});
  try {
    await builtAside(srv.url);
    const q = encodeURIComponent(JSON.stringify({ columns: COLUMNS }));
    for (const f of FORMATS) {
      const url =
        `${srv.url}/api/v1/datasets/accidents/query?q=${q}&format=${f}`;
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await timed(url));
      const ms = median(runs.map((r) => r.ms));
      console.log(
        `| ${engine} | ${f} | ${(runs[0]!.bytes / 2 ** 20).toFixed(0)} | ${
          ms.toFixed(0)
        } | ${(ms / baseline[f]!).toFixed(2)} |`,
      );
    }
  } finally {
    await srv.stop();
  }
}
