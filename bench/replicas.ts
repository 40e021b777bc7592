/**
 * Propagation between replicas: three `main.ts serve` processes on one KV
 * file. Each round replaces the parquet file, reloads it on one replica
 * (in turn) and times, from the reload's answer, how long each of the two
 * others takes to answer a query from the new version (polled every
 * 10 ms). Prints median and max over every (round, follower) pair.
 *
 *   deno run -A bench/replicas.ts [ROUNDS=10]
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { type Replica, startReplica } from "../tests/_shared/replica.ts";

const ROUNDS = Number(Deno.args[0] ?? 10);
const TOKEN = "bench";

async function writeVersion(path: string, version: number): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run(
    `COPY (SELECT range AS id, ${version} AS v FROM range(10000)) TO '${path}.tmp' (FORMAT parquet)`,
  );
  c.closeSync();
  db.closeSync();
  await Deno.rename(`${path}.tmp`, path);
}

async function servedVersion(r: Replica): Promise<number> {
  const res = await fetch(`${r.url}/api/v1/datasets/fx/query`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"columns":["v"],"page_size":1}',
  });
  return (await res.json()).version;
}

async function until(r: Replica, version: number): Promise<number> {
  const started = performance.now();
  while (await servedVersion(r) < version) {
    if (performance.now() - started > 30_000) throw new Error("no follow");
    await new Promise((res) => setTimeout(res, 10));
  }
  return performance.now() - started;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const dir = await Deno.makeTempDir({ prefix: "datapress-bench-replicas-" });
const path = `${dir}/fx.parquet`;
await writeVersion(path, 1);
const args = [`fx=${path}`, "--kv", `${dir}/kv.sqlite3`];
const replicas = await Promise.all(
  [0, 1, 2].map(() => startReplica(args, { ADMIN_TOKEN: TOKEN })),
);
const samples: number[] = [];
const reloads: number[] = [];
try {
  let version = 1;
  for (let round = 0; round < ROUNDS; round++) {
    const leader = replicas[round % 3]!;
    await writeVersion(path, ++version);
    const t0 = performance.now();
    const res = await fetch(`${leader.url}/api/v1/datasets/fx/reload`, {
      method: "POST",
      headers: { "x-admin-token": TOKEN },
    });
    const body = await res.json();
    reloads.push(performance.now() - t0);
    if (body.version !== version) throw new Error(JSON.stringify(body));
    const others = replicas.filter((r) => r !== leader);
    samples.push(...await Promise.all(others.map((r) => until(r, version))));
    // Rounds apart, so each starts at a random point of the poll cycle.
    await new Promise((res) => setTimeout(res, 100 + Math.random() * 300));
  }
} finally {
  await Promise.all(replicas.map((r) => r.stop()));
  await Deno.remove(dir, { recursive: true });
}
const fmt = (ms: number) => `${Math.round(ms)} ms`;
console.log(
  `${ROUNDS} reloads × 2 followers, 3 replicas on one KV file, 10,000-row parquet`,
);
console.log(
  `reload answered in: median ${fmt(median(reloads))}, max ${
    fmt(Math.max(...reloads))
  }`,
);
console.log(
  `served by the others after the reload's answer: median ${
    fmt(median(samples))
  }, max ${fmt(Math.max(...samples))}, min ${fmt(Math.min(...samples))}`,
);
