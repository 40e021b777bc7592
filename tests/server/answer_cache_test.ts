import assert from "node:assert/strict";
import zlib from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { AnswerCache } from "../../server/answer_cache.ts";
import { RequestMemo } from "../../server/request_memo.ts";
import { ConfigError, parseConfig } from "../../server/config.ts";
import type { Published } from "../../server/registry.ts";
import type { Engine } from "../../engines/engine.ts";
import { testApp } from "../http/_app.ts";

const QUERY = "/api/v1/datasets/fx/query";
const COUNT = "/api/v1/datasets/fx/count";

/** Counts the engine's query and count calls. */
function spy(engine: Engine): { queries: number; counts: number } {
  const calls = { queries: 0, counts: 0 };
  const query = engine.query.bind(engine);
  const count = engine.count.bind(engine);
  engine.query = (...a) => {
    calls.queries++;
    return query(...a);
  };
  engine.count = (...a) => {
    calls.counts++;
    return count(...a);
  };
  return calls;
}

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
  assert.ok(m, `${name} in /metrics`);
  return Number(m[1]);
}

async function answer(res: Response) {
  return {
    status: res.status,
    headers: [...res.headers].filter(([k]) => k !== "date"),
    bytes: new Uint8Array(await res.arrayBuffer()),
  };
}

Deno.test("a repeated query or count is answered from the cache, byte for byte", async () => {
  const t = await testApp({ metrics_enabled: true });
  try {
    const calls = spy(t.app.ctx.engine);
    const body = { group_by: ["state"], aggregations: [{ op: "count" }] };
    const first = await answer(await t.call("POST", QUERY, body));
    const again = await answer(await t.call("POST", QUERY, body));
    assert.equal(calls.queries, 1, "the second answer is a hit");
    assert.deepEqual(again, first);
    // The same request spelt differently (defaults written out) is the same key.
    await t.call("POST", QUERY, { ...body, page: 1 }).then((r) =>
      r.body?.cancel()
    );
    assert.equal(calls.queries, 1);

    const arrowHeaders = { accept: "application/vnd.apache.arrow.stream" };
    const a1 = await answer(await t.call("POST", QUERY, body, arrowHeaders));
    const a2 = await answer(await t.call("POST", QUERY, body, arrowHeaders));
    assert.equal(calls.queries, 2, "Arrow is its own entry");
    assert.deepEqual(a2, a1);
    assert.ok(a1.headers.some(([k]) => k === "x-has-more"));

    const c1 = await answer(await t.call("POST", COUNT, { predicates: [] }));
    const c2 = await answer(await t.call("POST", COUNT, { predicates: [] }));
    assert.equal(calls.counts, 1);
    assert.deepEqual(c2, c1);

    // The etag still gives 304 on a hit.
    const etag = new Map(first.headers).get("etag")!;
    const nm = await t.call("POST", QUERY, body, { "if-none-match": etag });
    assert.equal(nm.status, 304);

    const m = await (await t.call("GET", "/metrics")).text();
    assert.equal(metric(m, "datapress_answer_cache_misses_total"), 3);
    assert.equal(metric(m, "datapress_answer_cache_hits_total"), 5);
    const bytes = metric(m, "datapress_answer_cache_bytes");
    assert.ok(
      bytes >= first.bytes.length + a1.bytes.length + c1.bytes.length,
      `bytes ${bytes}`,
    );
    assert.equal(
      metric(m, "datapress_answer_cache_budget_bytes"),
      64 * 1024 * 1024,
    );
  } finally {
    await t.close();
  }
});

Deno.test("compressed answers are cached per encoding and decode to the identity bytes", async () => {
  const t = await testApp();
  try {
    const calls = spy(t.app.ctx.engine);
    const body = { page_size: 200 };
    const plain = await answer(
      await t.call("POST", QUERY, body, { "accept-encoding": "identity" }),
    );
    assert.ok(plain.bytes.length > 1024);
    // Another encoding reuses the identity answer without the engine.
    const gz = await answer(
      await t.call("POST", QUERY, body, { "accept-encoding": "gzip" }),
    );
    assert.equal(calls.queries, 1);
    assert.equal(new Map(gz.headers).get("content-encoding"), "gzip");
    assert.deepEqual(new Uint8Array(zlib.gunzipSync(gz.bytes)), plain.bytes);
    const gz2 = await answer(
      await t.call("POST", QUERY, body, { "accept-encoding": "gzip" }),
    );
    assert.deepEqual(gz2, gz);
    // A first request in an encoding runs the query once and caches the
    // compressed bytes.
    const other = { page_size: 300 };
    const z1 = await answer(
      await t.call("POST", QUERY, other, { "accept-encoding": "zstd" }),
    );
    const z2 = await answer(
      await t.call("POST", QUERY, other, { "accept-encoding": "zstd" }),
    );
    assert.equal(calls.queries, 2);
    assert.deepEqual(z2, z1);
    assert.equal(new Map(z1.headers).get("content-encoding"), "zstd");
    const id = await answer(
      await t.call("POST", QUERY, other, { "accept-encoding": "identity" }),
    );
    assert.deepEqual(
      new Uint8Array(zlib.zstdDecompressSync(z1.bytes)),
      id.bytes,
    );
    // The bytes a client gets are its own: changing them changes no later answer.
    gz2.bytes.fill(0);
    const gz3 = await answer(
      await t.call("POST", QUERY, body, { "accept-encoding": "gzip" }),
    );
    assert.deepEqual(gz3, gz);
  } finally {
    await t.close();
  }
});

Deno.test("the cache stays under cache_bytes, least recently used out first", async () => {
  const probe = await testApp();
  const one = (await (await probe.call("POST", QUERY, { page_size: 20 }))
    .arrayBuffer()).byteLength;
  await probe.close();
  // Room for about three pages.
  const budget = Math.floor(one * 3.5) + 3 * 1000;
  const t = await testApp({ cache_bytes: budget, compress: false });
  try {
    const calls = spy(t.app.ctx.engine);
    const page = (n: number) =>
      t.call("POST", QUERY, { page_size: 20, page: n }).then((r) =>
        r.arrayBuffer()
      );
    for (let n = 1; n <= 3; n++) await page(n);
    assert.equal(calls.queries, 3);
    await page(1); // refreshes page 1
    assert.equal(calls.queries, 3);
    for (let n = 4; n <= 6; n++) {
      await page(n);
      assert.ok(t.app.ctx.answers.bytes <= budget);
    }
    assert.ok(t.app.ctx.answers.size < 6, "some answers were evicted");
    const before = calls.queries;
    await page(6); // the newest stays
    assert.equal(calls.queries, before);
    await page(2); // the oldest went first
    assert.equal(calls.queries, before + 1);
    // An answer bigger than the whole budget is served, never stored.
    const big = await t.call("POST", QUERY, { page_size: 500 });
    assert.equal(big.status, 200);
    await big.arrayBuffer();
    assert.ok(t.app.ctx.answers.bytes <= budget);
  } finally {
    await t.close();
  }
});

async function writeVersion(path: string, v: number): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run(
    `COPY (SELECT range AS id, ${v} AS v FROM range(${
      100 + v
    })) TO '${path}.tmp' (FORMAT parquet)`,
  );
  c.closeSync();
  db.closeSync();
  await Deno.rename(`${path}.tmp`, path);
}

Deno.test("a reload invalidates the cached answers of the version it replaced", async () => {
  for (const grace of [0, 300]) {
    const dir = await Deno.makeTempDir();
    const path = `${dir}/data.parquet`;
    await writeVersion(path, 1);
    const t = await testApp({ version_grace_secs: grace }, path, "tok");
    try {
      const calls = spy(t.app.ctx.engine);
      const q = () =>
        t.call("POST", QUERY, { columns: ["v"], page_size: 1 }).then((r) =>
          r.json()
        );
      const c = () => t.call("POST", COUNT, {}).then((r) => r.json());
      assert.deepEqual((await q()).rows, [{ v: 1 }]);
      assert.equal((await c()).count, 101);
      await q();
      await c();
      assert.deepEqual(calls, { queries: 1, counts: 1 });
      await writeVersion(path, 2);
      const r = await t.call("POST", "/api/v1/datasets/fx/reload", undefined, {
        "x-admin-token": "tok",
      });
      assert.equal(r.status, 200);
      await r.body?.cancel();
      const after = await q();
      assert.equal(after.version, 2);
      assert.deepEqual(after.rows, [{ v: 2 }]);
      assert.equal((await c()).count, 102);
      assert.deepEqual(calls, { queries: 2, counts: 2 });
      if (grace === 0) {
        // The replaced version is retired: its answers are gone.
        assert.equal(t.app.ctx.answers.size, 2);
      } else {
        // Kept for pinned readers, with its answers.
        const pinned = await t.call("POST", QUERY, {
          columns: ["v"],
          page_size: 1,
          version: 1,
        }).then((r) => r.json());
        assert.deepEqual(pinned.rows, [{ v: 1 }]);
      }
    } finally {
      await t.close();
    }
  }
});

Deno.test("errors are never cached", async () => {
  const t = await testApp({ metrics_enabled: true });
  try {
    const bad = { columns: ["nope"] };
    for (let i = 0; i < 2; i++) {
      const r = await t.call("POST", QUERY, bad);
      assert.equal(r.status, 400);
      await r.body?.cancel();
    }
    // An engine failure once, then the same request succeeds.
    const engine = t.app.ctx.engine;
    const real = engine.query.bind(engine);
    let fail = true;
    engine.query = (...a) => {
      if (fail) {
        fail = false;
        return Promise.reject(new Error("boom"));
      }
      return real(...a);
    };
    const body = { page_size: 3 };
    const r1 = await t.call("POST", QUERY, body);
    assert.equal(r1.status, 500);
    await r1.body?.cancel();
    const r2 = await t.call("POST", QUERY, body);
    assert.equal(r2.status, 200);
    assert.equal((await r2.json()).rows.length, 3);
    assert.equal(t.app.ctx.answers.size, 1);
  } finally {
    await t.close();
  }
  // A request that times out leaves nothing behind, even when the engine
  // finishes after the 504.
  const s = await testApp({ request_timeout_ms: 50 });
  try {
    const engine = s.app.ctx.engine;
    const real = engine.count.bind(engine);
    let finished = 0;
    engine.count = async (...a) => {
      await new Promise((r) => setTimeout(r, 200));
      const n = await real(...a).catch(() => -1);
      finished++;
      return n;
    };
    const r = await s.call("POST", COUNT, {});
    assert.equal(r.status, 504);
    await r.body?.cancel();
    while (finished === 0) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(s.app.ctx.answers.size, 0);
  } finally {
    await s.close();
  }
});

Deno.test("cache_bytes 0 turns the cache off", async () => {
  const t = await testApp({ cache_bytes: 0, metrics_enabled: true });
  try {
    const calls = spy(t.app.ctx.engine);
    for (let i = 0; i < 3; i++) {
      await t.call("POST", QUERY, { page_size: 2 }).then((r) =>
        r.arrayBuffer()
      );
    }
    assert.equal(calls.queries, 3);
    assert.equal(t.app.ctx.answers.size, 0);
    const m = await (await t.call("GET", "/metrics")).text();
    assert.equal(metric(m, "datapress_answer_cache_hits_total"), 0);
    assert.equal(metric(m, "datapress_answer_cache_bytes"), 0);
  } finally {
    await t.close();
  }
});

Deno.test("cache_bytes is validated", () => {
  assert.equal(parseConfig({}).cache_bytes, 64 * 1024 * 1024);
  assert.equal(parseConfig({ cache_bytes: 0 }).cache_bytes, 0);
  assert.throws(() => parseConfig({ cache_bytes: -1 }), ConfigError);
  assert.throws(() => parseConfig({ cache_bytes: "1MB" }), ConfigError);
});

Deno.test("AnswerCache: recency, budget and retired owners", () => {
  const p = (): Published => ({
    ds: {} as Published["ds"],
    version: 1,
    loadedAt: "",
    leases: 0,
    retired: false,
  });
  const a = p(), b = p();
  // Each entry costs 100 bytes plus the overhead and its key: three fit.
  const cache = new AnswerCache(900);
  const body = () => new Uint8Array(100);
  const k = (o: Published, n: number) => cache.key(o, `r${n}`, "json", null);
  cache.put(k(a, 1), a, body(), {}, null);
  cache.put(k(a, 2), a, body(), {}, null);
  cache.put(k(b, 3), b, body(), {}, null);
  assert.ok(cache.find(k(a, 1), null));
  cache.put(k(b, 4), b, body(), {}, null); // evicts r2, the least recent
  assert.equal(cache.find(k(a, 2), null), null);
  assert.ok(cache.find(k(a, 1), null));
  assert.notEqual(k(a, 1), k(b, 1), "versions never share keys");
  a.retired = true;
  assert.equal(cache.find(k(a, 1), null), null);
  const left = cache.bytes;
  assert.equal(cache.size, 2);
  assert.ok(left > 0 && left <= cache.budget);
  assert.deepEqual([cache.hits, cache.misses], [2, 2]);
});

Deno.test("RequestMemo: a parsed request per text, bounded and frozen", () => {
  const memo = new RequestMemo<{ v: number[] }>(2, 10);
  let made = 0;
  const make = () => ({ v: [++made] });
  const a = memo.get("a", make);
  assert.equal(memo.get("a", make), a);
  assert.equal(made, 1);
  assert.ok(Object.isFrozen(a) && Object.isFrozen(a.v));
  memo.get("b", make);
  memo.get("c", make); // "a" goes
  assert.equal(memo.size, 2);
  memo.get("a", make);
  assert.equal(made, 4);
  memo.get("0123456789ab", make); // too long to keep
  assert.equal(memo.size, 2);
  assert.throws(() =>
    memo.get("x", () => {
      throw new Error("bad");
    })
  );
  assert.equal(memo.size, 2);
});
