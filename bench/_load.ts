/**
 * Load and measurement tools the benchmarks share: the requests they send,
 * wrk against a server, the same concurrency against DuckDB in-process, a
 * server process started until ready, RSS readings, a median timer.
 */
import type { DuckDBConnection } from "@duckdb/node-api";

const DATA = new URL("./data/accidents.parquet", import.meta.url).pathname;
const MAIN = new URL("../main.ts", import.meta.url).pathname;
const LUA = new URL("./wrk_post.lua", import.meta.url).pathname;

type Body = Record<string, unknown>;

/** The request shapes the benchmarks measure, by name. */
export const QUERIES: Record<string, { route: "query" | "count"; body: Body }> =
  {
    "selective eq, page 50": {
      route: "query",
      body: {
        predicates: [{ col: "Zipcode", op: "eq", val: "12345" }],
        page_size: 50,
      },
    },
    "eq City, page 50": {
      route: "query",
      body: {
        predicates: [{ col: "City", op: "eq", val: "Houston" }],
        page_size: 50,
      },
    },
    "count {}": { route: "count", body: {} },
    "count State eq TX": {
      route: "count",
      body: { predicates: [{ col: "State", op: "eq", val: "TX" }] },
    },
    "group_by State": {
      route: "query",
      body: {
        group_by: ["State"],
        aggregations: [{ op: "count" }, { op: "avg", col: "Severity" }],
      },
    },
    "order_by page 50": {
      route: "query",
      body: {
        columns: ["ID", "Start_Time", "State"],
        order_by: [{ col: "Start_Time", dir: "desc" }],
        page_size: 50,
      },
    },
  };

/** How hard and how long a load runs. */
export interface LoadShape {
  seconds: number;
  /** Requests in flight. */
  concurrency: number;
}

export interface Load {
  rps: number;
  p50: string;
  p99: string;
}

/** wrk -t2 against `url`, POSTing `body` when given; a non-2xx answer throws. */
export async function wrk(
  shape: LoadShape,
  url: string,
  body?: string,
): Promise<Load> {
  const args = [
    "-t2",
    `-c${shape.concurrency}`,
    `-d${shape.seconds}s`,
    "--timeout",
    "60s",
    "--latency",
  ];
  if (body !== undefined) args.push("-s", LUA);
  const out = await new Deno.Command("wrk", {
    args: [...args, url],
    env: { BODY: body ?? "" },
    stdout: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  if (non2xx) {
    throw new Error(`wrk saw ${non2xx[1]} failed answers for ${url} ${body}`);
  }
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN),
    p50: /^\s+50%\s+(\S+)/m.exec(text)?.[1] ?? "?",
    p99: /^\s+99%\s+(\S+)/m.exec(text)?.[1] ?? "?",
  };
}

/** A server process the benchmark started, ready to answer. */
export interface Server {
  url: string;
  child: Deno.ChildProcess;
  /** Spawn to the first `/readyz` 200. */
  readyMs: number;
  stop(): Promise<void>;
}

/** `deno ARGS` until it prints its URL and `/readyz` answers 200. */
export async function spawnServer(
  args: string[],
  env: Record<string, string> = {},
): Promise<Server> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let url = "";
  while (!url) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited: ${text}`);
    text += value;
    url = /listening on (\S+)/.exec(text)?.[1] ?? "";
  }
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  while (
    (await fetch(`${url}/readyz`).then((r) =>
      r.body?.cancel().then(() => r.status)
    )) !== 200
  ) {
    await new Promise((r) => setTimeout(r, 5));
  }
  return {
    url,
    child,
    readyMs: performance.now() - t0,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/**
 * A datapress server over the bench file with extra config and dataset
 * keys, and the server's environment (quiet by default).
 */
export async function datapress(
  engine: string,
  config: Body,
  dataset: Body = {},
  env: Record<string, string> = { DATAPRESS_LOG: "error" },
): Promise<Server> {
  const file = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      ...config,
      datasets: [{ name: "accidents", source: DATA, ...dataset }],
    }),
  );
  return await spawnServer([
    "run",
    "-A",
    MAIN,
    "serve",
    "--config",
    file,
    "--engine",
    engine,
    "--port",
    "0",
    "--kv",
    ":memory:",
  ], env);
}

/**
 * Waits until the engine has built what makes the dataset faster: the
 * DuckDB engine's native table, the memory engine's equality indexes.
 */
export async function builtAside(url: string): Promise<void> {
  for (;;) {
    const list = await (await fetch(`${url}/api/v1/datasets`)).json();
    if (list.datasets?.[0]?.building === false) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function rssMb(
  pid: number,
  which: "VmHWM" | "VmRSS",
): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(new RegExp(`${which}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) /
    1024;
}

export const peakRssMb = (pid: number) => rssMb(pid, "VmHWM");

/** Runs `sql` with `shape.concurrency` requests in flight over a pool of connections. */
export async function inProcess(
  shape: LoadShape,
  sqlOf: () => { sql: string; params: string[] },
  conns: DuckDBConnection[],
): Promise<Load> {
  const idle = [...conns];
  const waiters: ((c: DuckDBConnection) => void)[] = [];
  const lat: number[] = [];
  const start = performance.now();
  const end = start + shape.seconds * 1000;
  await Promise.all(Array.from({ length: shape.concurrency }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const c = idle.pop() ??
        await new Promise<DuckDBConnection>((r) => waiters.push(r));
      try {
        const { sql, params } = sqlOf();
        await (await c.run(sql, params)).getRows();
      } finally {
        const w = waiters.shift();
        if (w) w(c);
        else idle.push(c);
      }
      lat.push(performance.now() - t);
    }
  }));
  lat.sort((a, b) => a - b);
  const q = (p: number) => `${lat[Math.floor(lat.length * p)]!.toFixed(2)}ms`;
  // Requests started before the deadline finish after it: count the whole span.
  const elapsed = (performance.now() - start) / 1000;
  return { rps: lat.length / elapsed, p50: q(0.5), p99: q(0.99) };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The median time of `n` runs of `fn`, in ms. */
export async function timeIt(
  fn: () => Promise<unknown>,
  n = 5,
): Promise<number> {
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  return median(ts);
}
