/**
 * Limits and their labels: q-values outside 0..1, JSON in another charset,
 * trickled bodies (408), and the metrics label and timing of refused,
 * timed-out and streamed answers.
 */
import assert from "node:assert/strict";
import zlib from "node:zlib";
import { negotiate } from "../../server/compress.ts";
import { endlessPost, testApp } from "../http/_app.ts";

const DS = "/api/v1/datasets/fx";

Deno.test("Accept-Encoding: q-values outside 0..1 or with 4 decimals make a coding unacceptable", () => {
  assert.equal(negotiate("gzip;q=2, br;q=0.5"), "br");
  assert.equal(negotiate("zstd;q=1.5"), null);
  assert.equal(negotiate("gzip;q=0.0001"), null);
  assert.equal(negotiate("gzip;q=1.000, br;q=0.999"), "gzip");
  assert.equal(negotiate("br;q=abc, gzip"), "gzip");
  assert.equal(negotiate("*;q=0.3"), "zstd");
  assert.equal(negotiate("identity"), null);
});

Deno.test("JSON bodies must be UTF-8: another charset is a 415", async () => {
  const t = await testApp();
  try {
    for (
      const [type, status] of [
        ["application/json; charset=utf-16", 415],
        ["application/json; charset=latin1", 415],
        ['application/json; charset="UTF-8"', 200],
        ["application/json;charset=utf-8", 200],
        ["Application/JSON", 200],
      ] as const
    ) {
      const res = await t.call("POST", `${DS}/count`, "{}", {
        "content-type": type,
      });
      const body = await res.json();
      assert.equal(res.status, status, `${type}: ${JSON.stringify(body)}`);
      if (status === 415) assert.match(body.error.message, /Content-Type/);
    }
  } finally {
    await t.close();
  }
});

Deno.test("a body that does not arrive within body_timeout_ms is answered 408 at once", async () => {
  const t = await testApp({ port: 0, body_timeout_ms: 300 });
  const server = t.app.listen();
  const base = new URL(await server.url);
  try {
    for (const framing of ["length", "chunked"]) {
      const conn = await Deno.connect({
        hostname: "127.0.0.1",
        port: Number(base.port),
      });
      const head = framing === "length"
        ? "Content-Length: 100\r\n"
        : "Transfer-Encoding: chunked\r\n";
      await conn.write(
        new TextEncoder().encode(
          `POST ${DS}/count HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${head}\r\n` +
            (framing === "length" ? '{"pred' : '6\r\n{"pred\r\n'),
        ),
      );
      const started = performance.now();
      let text = "";
      const buf = new Uint8Array(4096);
      while (!text.includes("}}")) {
        const n = await conn.read(buf).catch(() => null);
        if (n === null) break;
        text += new TextDecoder().decode(buf.subarray(0, n));
      }
      const waited = performance.now() - started;
      conn.close();
      assert.match(text, /^HTTP\/1\.1 408/, framing);
      assert.match(text, /body_timeout/);
      assert.ok(waited < 3000, `${framing}: answered after ${waited} ms`);
      assert.match(text, /connection: close/);
    }
  } finally {
    await server.shutdown();
    await t.close();
  }
});

Deno.test("metrics: 413 and 504 carry their route's label; exports are timed to their last byte", async () => {
  const cases: [Record<string, number>, number][] = [
    [{ max_body_bytes: 64 }, 413],
    [{ request_timeout_ms: 1 }, 504],
  ];
  for (const [limits, status] of cases) {
    const t = await testApp({ metrics_enabled: true, ...limits });
    try {
      // Too big for 64 bytes; for the 1 ms deadline, a body that never
      // ends outlasts it, however fast the engine is.
      const res = status === 413
        ? await t.call("POST", `${DS}/query`, {
          columns: ["id", "state", "score", "severity", "day", "at"],
          group_by: ["state"],
        })
        : await t.app.handler(endlessPost(`${DS}/query`));
      assert.equal(res.status, status);
      await res.arrayBuffer();
      const text = await (await t.call("GET", "/metrics")).text();
      assert.match(
        text,
        new RegExp(
          `datapress_http_requests_total\\{route="/api/v1/datasets/:name/query",method="POST",status="${status}"\\} 1`,
        ),
      );
      assert.doesNotMatch(text, /route="unmatched"/);
    } finally {
      await t.close();
    }
  }

  const e = await testApp({ metrics_enabled: true });
  try {
    const res = await e.call("POST", `${DS}/query?format=csv`, {}, {
      "accept-encoding": "gzip",
    });
    const reader = res.body!.getReader();
    const chunks: Uint8Array[] = [(await reader.read()).value!];
    const exportCount = (text: string) =>
      Number(
        /datapress_http_request_duration_seconds_count\{route="\/api\/v1\/datasets\/:name\/query"\} (\d+)/
          .exec(text)?.[1] ?? 0,
      );
    // Headers and the first bytes are out; the export is not counted yet.
    assert.equal(
      exportCount(await (await e.call("GET", "/metrics")).text()),
      0,
    );
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(
      exportCount(await (await e.call("GET", "/metrics")).text()),
      1,
    );
    assert.ok(chunks.length > 0);
    assert.ok(zlib.gunzipSync(Buffer.concat(chunks)).length > 0);
  } finally {
    await e.close();
  }
});
