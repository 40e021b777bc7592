/**
 * A request owns what it takes and gives it back on every path: exports and
 * queries aborted at random points (fetch abort, raw socket closed mid-body,
 * compressed or not) leave no connection, lease or export held, and every
 * route still answers at once. Run on both engines.
 */
import assert from "node:assert/strict";
import type { EngineName } from "../../engines/engine.ts";
import { testApp } from "./_app.ts";
import { writeFixture } from "../_shared/fixture.ts";

const ROWS = 100_000;
const Q = "/api/v1/datasets/fx/query";

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BODIES = [
  {},
  { columns: ["id", "state", "at"], order_by: [{ col: "score", dir: "desc" }] },
  { group_by: ["state"], aggregations: [{ op: "count" }] },
  { predicates: [{ col: "severity", op: "gte", val: 2 }], page_size: 5000 },
  { distinct: true, columns: ["state", "severity"] },
];
const ENCODINGS = ["identity", "gzip", "br", "zstd"];

/** Sends a request over a raw socket and closes it after `after` ms or `bytes` read. */
async function rawAbort(
  port: number,
  path: string,
  body: string,
  encoding: string,
  after: number,
): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const req =
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
    `Accept-Encoding: ${encoding}\r\nContent-Length: ${
      new TextEncoder().encode(body).length
    }\r\n\r\n${body}`;
  await conn.write(new TextEncoder().encode(req));
  const buf = new Uint8Array(4096);
  const until = performance.now() + after;
  while (performance.now() < until) {
    const n = await Promise.race([
      conn.read(buf),
      new Promise<null>((r) => setTimeout(() => r(null), 5)),
    ]);
    if (n === null && performance.now() >= until) break;
  }
  conn.close();
}

async function fetchAbort(
  url: string,
  body: string,
  encoding: string,
  after: number,
  readSome: boolean,
): Promise<void> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), after);
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "accept-encoding": encoding,
      },
      body,
      signal: ctrl.signal,
    });
    if (readSome) {
      const reader = res.body!.getReader();
      await reader.read();
      ctrl.abort();
      await reader.cancel().catch(() => {});
    } else await res.body?.cancel();
  } catch {
    // Aborted, as intended.
  } finally {
    clearTimeout(timer);
  }
}

async function held(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const out: Record<string, number> = {};
  for (
    const name of [
      "datapress_engine_connections_in_use",
      "datapress_dataset_leases",
      "datapress_open_exports",
    ]
  ) {
    out[name] = Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)![1]);
  }
  return out;
}

async function abortStorm(engine: EngineName): Promise<void> {
  const path = await writeFixture(ROWS);
  const t = await testApp({
    backend: engine,
    port: 0,
    metrics_enabled: true,
    request_timeout_ms: 5000,
  }, path);
  const server = t.app.listen();
  const base = await server.url;
  const port = Number(new URL(base).port);
  const rnd = random(engine === "duckdb" ? 11 : 12);
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)]!;
  try {
    const jobs: (() => Promise<void>)[] = [];
    for (let i = 0; i < 100; i++) {
      const fmt = ["csv", "ndjson", "arrow", "parquet"][i % 4]!;
      const body = JSON.stringify(pick(BODIES));
      const enc = pick(ENCODINGS);
      const after = Math.floor(rnd() * 60);
      const url = `${base}${Q}?format=${fmt}`;
      jobs.push(
        i % 2 === 0
          ? () => fetchAbort(url, body, enc, after, rnd() < 0.5)
          : () => rawAbort(port, `${Q}?format=${fmt}`, body, enc, after),
      );
    }
    for (let i = 0; i < 200; i++) {
      const body = JSON.stringify(pick(BODIES));
      const enc = pick(ENCODINGS);
      const after = Math.floor(rnd() * 20);
      jobs.push(
        i % 2 === 0
          ? () => fetchAbort(`${base}${Q}`, body, enc, after, false)
          : () => rawAbort(port, Q, body, enc, after),
      );
    }
    // Eight clients at a time, in a shuffled order.
    jobs.sort(() => rnd() - 0.5);
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < jobs.length) await jobs[next++]!();
      }),
    );

    // Everything taken is given back (streams wind down asynchronously).
    let gauges = await held(base);
    for (let i = 0; i < 100 && Object.values(gauges).some((v) => v > 0); i++) {
      await new Promise((r) => setTimeout(r, 50));
      gauges = await held(base);
    }
    assert.deepEqual(gauges, {
      datapress_engine_connections_in_use: 0,
      datapress_dataset_leases: 0,
      datapress_open_exports: 0,
    });

    // Every route answers within 1 s.
    const checks: [string, string, unknown?][] = [
      ["GET", "/healthz"],
      ["GET", "/readyz"],
      ["GET", "/api/v1/datasets"],
      ["GET", "/api/v1/datasets/fx/schema"],
      ["POST", Q, { page_size: 2 }],
      ["POST", `${Q}?format=csv`, { limit: 10 }],
      ["POST", "/api/v1/datasets/fx/count", {
        predicates: [{ col: "severity", op: "eq", val: 1 }],
      }],
      ["GET", "/metrics"],
    ];
    for (const [method, p, body] of checks) {
      const res = await fetch(`${base}${p}`, {
        method,
        headers: body ? { "content-type": "application/json" } : {},
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(1000),
      });
      assert.equal(res.status, 200, `${method} ${p}`);
      await res.arrayBuffer();
    }
  } finally {
    await server.shutdown();
    await t.close();
  }
}

Deno.test("aborted exports and queries free everything: duckdb", () =>
  abortStorm("duckdb"));
Deno.test("aborted exports and queries free everything: memory", () =>
  abortStorm("memory"));

/**
 * Clients that send an export request and leave at once, before the first
 * byte: the server only learns it when a write fails, so each costs it the
 * batches made until then. Those are few and small, so a flood of them
 * can't keep the server busy long after it ends.
 */
async function abandonedExports(engine: EngineName): Promise<void> {
  const path = await writeFixture(ROWS);
  const t = await testApp(
    { backend: engine, port: 0, metrics_enabled: true },
    path,
  );
  const e = t.app.ctx.engine;
  const stream = e.stream.bind(e);
  let streamed = 0;
  e.stream = async function* (ds, plan, signal) {
    for await (const b of stream(ds, plan, signal)) {
      streamed += b.length;
      yield b;
    }
  };
  const server = t.app.listen();
  const base = await server.url;
  const port = Number(new URL(base).port);
  const exports = 60;
  try {
    for (let i = 0; i < exports; i++) {
      const fmt = i % 2 ? "csv" : "ndjson";
      await rawAbort(port, `${Q}?format=${fmt}`, "{}", "identity", 0);
    }
    let gauges = await held(base);
    for (let i = 0; i < 200 && gauges.datapress_open_exports !== 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      gauges = await held(base);
    }
    assert.equal(gauges.datapress_open_exports, 0);
    // Before the body started lazily with small first batches, each cost
    // two or three batches of 16,384 rows.
    assert.ok(
      streamed <= exports * 8192,
      `${streamed} rows made for ${exports} abandoned exports`,
    );
  } finally {
    await server.shutdown();
    await t.close();
  }
}

Deno.test("exports abandoned before their first byte cost little: duckdb", () =>
  abandonedExports("duckdb"));
Deno.test("exports abandoned before their first byte cost little: memory", () =>
  abandonedExports("memory"));

Deno.test("an export whose client stops reading is cut off after export_idle_timeout_ms", async () => {
  const path = await writeFixture(ROWS);
  const t = await testApp({
    port: 0,
    metrics_enabled: true,
    export_idle_timeout_ms: 300,
  }, path);
  const server = t.app.listen();
  const base = await server.url;
  try {
    // A raw client that sends the request and then reads nothing.
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: Number(new URL(base).port),
    });
    const body = JSON.stringify({ columns: ["id", "state", "at", "tags"] });
    await conn.write(
      new TextEncoder().encode(
        `POST ${Q}?format=ndjson HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      ),
    );
    await new Promise((r) => setTimeout(r, 150));
    assert.equal((await held(base)).datapress_open_exports, 1);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await held(base), {
      datapress_engine_connections_in_use: 0,
      datapress_dataset_leases: 0,
      datapress_open_exports: 0,
    });
    // The connection was closed by the server: reading drains what was
    // buffered and then ends.
    const buf = new Uint8Array(1 << 16);
    let total = 0;
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
      total += n;
    }
    assert.ok(total < 64 * 1024 * 1024, `read ${total} bytes`);
    conn.close();
  } finally {
    await server.shutdown();
    await t.close();
  }
});
