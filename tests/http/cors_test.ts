/** CORS headers and preflights (the browser's view is tests/e2e/cors_test.ts). */
import assert from "node:assert/strict";
import { ConfigError, parseConfig } from "../../server/config.ts";
import { PREFLIGHT_MAX_AGE_SECS } from "../../server/cors.ts";
import { testApp } from "./_app.ts";

const APP = "http://app.example:3000";

function preflight(origin: string) {
  return {
    origin,
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type",
  };
}

Deno.test("cors: listed origins get preflights and headers on every route", async () => {
  const t = await testApp({ cors_origins: [APP] });
  try {
    const pre = await t.call(
      "OPTIONS",
      "/api/v1/datasets/fx/query",
      undefined,
      preflight(APP),
    );
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), APP);
    assert.equal(pre.headers.get("access-control-allow-credentials"), "true");
    assert.match(pre.headers.get("access-control-allow-methods")!, /POST/);
    assert.match(
      pre.headers.get("access-control-allow-headers")!,
      /Content-Type/,
    );
    assert.equal(
      pre.headers.get("access-control-max-age"),
      String(PREFLIGHT_MAX_AGE_SECS),
    );
    assert.match(pre.headers.get("vary")!, /Origin/);

    for (
      const [method, path, body] of [
        ["GET", "/health"],
        ["GET", "/api/v1/datasets"],
        ["GET", "/api/v1/datasets/fx/schema"],
        ["POST", "/api/v1/datasets/fx/query", { page_size: 1 }],
        ["POST", "/api/v1/datasets/fx/count", {}],
        ["GET", "/api/v1/datasets/nope/schema"],
        ["POST", "/api/v1/datasets/fx/query", { nope: 1 }],
      ] as const
    ) {
      const res = await t.call(method, path, body, { origin: APP });
      await res.body?.cancel();
      assert.equal(
        res.headers.get("access-control-allow-origin"),
        APP,
        `${method} ${path}`,
      );
      assert.match(res.headers.get("vary")!, /Origin/, `${method} ${path}`);
      assert.match(
        res.headers.get("access-control-expose-headers")!,
        /ETag/,
      );
    }

    // Another origin: no Allow-Origin (the browser blocks), and a
    // preflight says why.
    const other = await t.call("GET", "/api/v1/datasets", undefined, {
      origin: "http://evil.example",
    });
    await other.body?.cancel();
    assert.equal(other.headers.get("access-control-allow-origin"), null);
    const denied = await t.call(
      "OPTIONS",
      "/api/v1/datasets/fx/query",
      undefined,
      preflight("http://evil.example"),
    );
    assert.equal(denied.status, 403);
    const err = await denied.json();
    assert.equal(err.error.code, "cors_origin_not_allowed");
    assert.match(err.error.message, /evil\.example.*cors_origins/);
  } finally {
    await t.close();
  }
});

Deno.test("cors: '*' allows any origin, never with credentials", async () => {
  const t = await testApp({ cors_origins: ["*"] });
  try {
    const pre = await t.call(
      "OPTIONS",
      "/api/v1/datasets/fx/count",
      undefined,
      preflight("http://anything.example"),
    );
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), "*");
    assert.equal(pre.headers.get("access-control-allow-credentials"), null);
    const res = await t.call("POST", "/api/v1/datasets/fx/count", {}, {
      origin: "http://anything.example",
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    assert.equal(res.headers.get("access-control-allow-credentials"), null);
  } finally {
    await t.close();
  }
});

Deno.test("cors: off by default, so a preflight is a 405", async () => {
  const t = await testApp();
  try {
    const pre = await t.call(
      "OPTIONS",
      "/api/v1/datasets/fx/query",
      undefined,
      preflight(APP),
    );
    assert.equal(pre.status, 405);
    await pre.body?.cancel();
    assert.equal(pre.headers.get("access-control-allow-origin"), null);
  } finally {
    await t.close();
  }
});

Deno.test("cors: cors_origins is validated", () => {
  const bad: [unknown, RegExp][] = [
    ["*", /cors_origins: must be an array/],
    [["http://a.example/"], /cors_origins\[0\]: must be an origin/],
    [["a.example"], /cors_origins\[0\]: must be an origin/],
    [["http://a.example", "ftp://b.example"], /cors_origins\[1\]/],
    [["*", "http://a.example"], /cors_origins\[0\]: "\*" must be the only/],
    [[3], /cors_origins\[0\]: must be a string/],
  ];
  for (const [v, re] of bad) {
    assert.throws(() => parseConfig({ cors_origins: v }), (e) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, re);
      return true;
    });
  }
  assert.deepEqual(
    parseConfig({
      cors_origins: ["https://a.example", "http://localhost:3000"],
    })
      .cors_origins,
    ["https://a.example", "http://localhost:3000"],
  );
});
