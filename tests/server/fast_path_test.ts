/**
 * The request fast path keeps the HTTP contract: one `Vary: Accept-Encoding`
 * on every routed response (compressed or not), no internal marker headers,
 * stable ETags, path decoding, short-body decoding and request deadlines.
 */
import assert from "node:assert/strict";
import { testApp } from "../http/_app.ts";
import { Deadlines } from "../../server/deadlines.ts";
import { pathnameOf } from "../../server/url.ts";

const DS = "/api/v1/datasets/fx";

function varyOnce(res: Response, what: string): void {
  assert.equal(res.headers.get("vary"), "Accept-Encoding", what);
}

Deno.test("every routed response carries Vary once, compressed or not", async () => {
  const t = await testApp();
  try {
    const cases: [string, string, unknown?, HeadersInit?][] = [
      ["GET", "/healthz"],
      ["GET", "/readyz"],
      ["GET", "/metrics"],
      ["GET", "/api/v1/datasets"],
      ["GET", `${DS}/schema`],
      ["POST", `${DS}/count`, {}],
      ["POST", `${DS}/query`, { page_size: 5 }],
      ["POST", `${DS}/query?format=arrow`, { page_size: 5 }],
      ["POST", `${DS}/query?format=ndjson`, { limit: 5 }],
      ["POST", `${DS}/query?format=csv`, { limit: 5 }],
      ["GET", "/no/such/route"],
      ["GET", `${DS}/count`],
      ["DELETE", "/healthz"],
    ];
    for (const encoding of [undefined, "gzip", "br, zstd"]) {
      for (const [method, path, body, headers] of cases) {
        const h = new Headers(headers);
        if (encoding) h.set("accept-encoding", encoding);
        const res = await t.call(method, path, body, h);
        await res.arrayBuffer();
        varyOnce(res, `${method} ${path} (${encoding ?? "identity"})`);
        assert.equal(res.headers.get("x-streamed"), null, path);
      }
    }
    // A page above ~1 KiB is compressed and keeps its single Vary.
    const big = await t.call("POST", `${DS}/query`, { page_size: 200 }, {
      "accept-encoding": "gzip",
    });
    assert.equal(big.headers.get("content-encoding"), "gzip");
    varyOnce(big, "compressed page");
    await big.arrayBuffer();
    const csv = await t.call("POST", `${DS}/query?format=csv`, {}, {
      "accept-encoding": "gzip",
    });
    assert.equal(csv.headers.get("content-encoding"), "gzip");
    varyOnce(csv, "compressed stream");
    assert.ok((await csv.arrayBuffer()).byteLength > 0);
  } finally {
    await t.close();
  }
});

Deno.test("ETags are stable per request and format, and answer 304 with Vary", async () => {
  const t = await testApp();
  try {
    const body = { predicates: [{ col: "state", op: "eq", val: "TX" }] };
    const a = await t.call("POST", `${DS}/count`, body);
    const b = await t.call("POST", `${DS}/count`, body);
    const q = await t.call("POST", `${DS}/query`, body);
    const tag = a.headers.get("etag")!;
    assert.match(tag, /^"[0-9a-f]{16}-\d+"$/);
    assert.equal(b.headers.get("etag"), tag);
    assert.notEqual(q.headers.get("etag"), tag);
    assert.deepEqual(await a.json(), await b.json());
    await q.arrayBuffer();
    const cached = await t.call("POST", `${DS}/count`, body, {
      "if-none-match": `"x", ${tag}`,
    });
    assert.equal(cached.status, 304);
    assert.equal(cached.headers.get("etag"), tag);
    varyOnce(cached, "304");
  } finally {
    await t.close();
  }
});

Deno.test("dataset names are percent-decoded; bad escapes are a 400", async () => {
  const t = await testApp();
  try {
    const ok = await t.call("POST", "/api/v1/datasets/%66x/count", {});
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).count, 500);
    const bad = await t.call("POST", "/api/v1/datasets/%zz/count", {});
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.code, "invalid_path");
    const missing = await t.call("POST", "/api/v1/datasets/nope/count", {});
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.code, "dataset_not_found");
    const extra = await t.call("POST", `${DS}/count/more`, {});
    assert.equal(extra.status, 404);
    assert.equal((await extra.json()).error.code, "not_found");
    const wrong = await t.call("DELETE", `${DS}/query`);
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "POST, GET");
    await wrong.arrayBuffer();
  } finally {
    await t.close();
  }
});

Deno.test("short bodies: non-ASCII JSON parses, invalid UTF-8 is a 400", async () => {
  const t = await testApp();
  try {
    const body = { predicates: [{ col: "state", op: "eq", val: "Zürich" }] };
    const res = await t.call("POST", `${DS}/count`, body);
    assert.equal(res.status, 200);
    assert.ok((await res.json()).count > 0);
    const bad = await t.app.handler(
      new Request(`http://local${DS}/count`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]),
      }),
    );
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message, /UTF-8/);
  } finally {
    await t.close();
  }
});

Deno.test("pathnameOf agrees with URL, repeated or not", () => {
  const urls = [
    "http://h/api/v1/datasets/a/count",
    "http://h/api/v1/../v1/datasets/./a/count?format=csv#x",
    "http://h:8000/a%20b/%2e%2E/c",
    "https://user:pw@h/x?y=/z",
    "http://h/" + "a".repeat(300),
  ];
  for (let round = 0; round < 2; round++) {
    for (const u of urls) assert.equal(pathnameOf(u), new URL(u).pathname, u);
  }
  assert.throws(() => pathnameOf("not a url"), TypeError);
});

Deno.test("deadlines fire in order, cancelled ones never", async () => {
  const d = new Deadlines(20);
  const fired: string[] = [];
  const now = performance.now();
  d.add(now + 30, () => fired.push("late"));
  const gone = d.add(now + 10, () => fired.push("cancelled"));
  d.add(now + 5, () => fired.push("early"));
  d.add(now + 1e6, () => fired.push("never"));
  d.cancel(gone);
  d.cancel(gone);
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(fired, ["early", "late"]);
});
