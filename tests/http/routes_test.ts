import assert from "node:assert/strict";
import zlib from "node:zlib";
import { tableFromIPC } from "apache-arrow";
import { endlessPost, testApp } from "./_app.ts";
import { FIXTURE_ROWS } from "../_shared/fixture.ts";

const Q = "/api/v1/datasets/fx/query";

Deno.test("health, readiness, dataset list and schema", async () => {
  const t = await testApp();
  try {
    assert.deepEqual(await (await t.call("GET", "/healthz")).json(), {
      status: "ok",
    });
    assert.deepEqual(await (await t.call("GET", "/health")).json(), {
      status: "ok",
    });
    assert.deepEqual(await (await t.call("GET", "/readyz")).json(), {
      status: "ready",
      datasets: 1,
    });
    const list = await (await t.call("GET", "/api/v1/datasets")).json();
    assert.equal(list.datasets[0].name, "fx");
    assert.equal(list.datasets[0].rows, FIXTURE_ROWS);
    assert.equal(list.datasets[0].engine, "duckdb");
    assert.equal(list.datasets[0].version, 1);
    const schema = await (await t.call("GET", "/api/v1/datasets/fx/schema"))
      .json();
    const types = Object.fromEntries(
      schema.columns.map((
        c: { name: string; type: string },
      ) => [c.name, c.type]),
    );
    assert.deepEqual(types, {
      id: "int64",
      state: "string",
      score: "float64",
      severity: "int8",
      day: "date",
      at: "timestamp[us,UTC]",
      flag: "bool",
      big: "int64",
      price: "decimal(10,2)",
      raw: "binary",
      tags: "list<string>",
    });
    assert.equal(schema.sample.id, 0);
    assert.equal(schema.sample.big, "9007199254740993");
    assert.equal(schema.rows, FIXTURE_ROWS);
  } finally {
    await t.close();
  }
});

Deno.test("query: filters, order with nulls last, paging and value encoding", async () => {
  const t = await testApp();
  try {
    const res = await t.call("POST", Q, {
      columns: [
        "id",
        "state",
        "score",
        "day",
        "at",
        "big",
        "price",
        "raw",
        "tags",
      ],
      predicates: [{ col: "state", op: "in", val: ["TX", "Zürich"] }, {
        col: "id",
        op: "lt",
        val: 30,
      }],
      order_by: [{ col: "score", dir: "desc" }],
      page_size: 3,
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.returned, 3);
    assert.equal(body.has_more, true);
    // NaN sorts above every number, so it comes first in desc order.
    assert.equal(body.rows[0].score, "NaN");
    for (const r of body.rows) assert.ok(["TX", "Zürich"].includes(r.state));
    const row = body.rows.find((r: { id: number }) => r.id === 5) ??
      body.rows[1];
    assert.match(row.day, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(row.big, /^\d+$/);
    const all = await (await t.call("POST", Q, {
      columns: ["id", "score"],
      order_by: [{ col: "score" }],
      page_size: 1000,
    })).json();
    const last = all.rows.slice(-Math.ceil(FIXTURE_ROWS / 11));
    assert.ok(
      last.every((r: { score: unknown }) => r.score === null),
      "nulls last ascending",
    );
    const page2 = await (await t.call("POST", Q, {
      columns: ["id"],
      page: 2,
      page_size: 10,
      limit: 15,
    })).json();
    assert.deepEqual(page2.rows.map((r: { id: number }) => r.id), [
      10,
      11,
      12,
      13,
      14,
    ]);
    assert.equal(page2.has_more, false);
    const past = await (await t.call("POST", Q, {
      columns: ["id"],
      page: 999,
      page_size: 10,
    })).json();
    assert.equal(past.returned, 0);
  } finally {
    await t.close();
  }
});

Deno.test("group_by with aggregations and distinct are stably ordered", async () => {
  const t = await testApp();
  try {
    const g = await (await t.call("POST", Q, {
      group_by: ["severity"],
      aggregations: [{ op: "count" }, { op: "sum", col: "id" }, {
        op: "avg",
        col: "price",
        alias: "avg_price",
      }],
    })).json();
    assert.deepEqual(g.columns.map((c: { type: string }) => c.type), [
      "int8",
      "int64",
      "int64",
      "float64",
    ]);
    assert.deepEqual(g.rows.map((r: { severity: number }) => r.severity), [
      1,
      2,
      3,
      4,
    ]);
    assert.equal(
      g.rows.reduce((s: number, r: { count: number }) => s + r.count, 0),
      FIXTURE_ROWS,
    );
    const d =
      await (await t.call("POST", Q, { columns: ["state"], distinct: true }))
        .json();
    assert.deepEqual(d.rows.map((r: { state: string | null }) => r.state), [
      "CA",
      "NY",
      "TX",
      "Zürich",
      "日本",
      null,
    ]);
  } finally {
    await t.close();
  }
});

Deno.test("count with and without predicates", async () => {
  const t = await testApp();
  try {
    assert.deepEqual(
      await (await t.call("POST", "/api/v1/datasets/fx/count", {})).json(),
      { count: FIXTURE_ROWS, version: 1 },
    );
    const n = await (await t.call("POST", "/api/v1/datasets/fx/count", {
      predicates: [{ col: "state", op: "is_null" }],
    })).json();
    assert.equal(n.count, Math.ceil(FIXTURE_ROWS / 7));
  } finally {
    await t.close();
  }
});

Deno.test("Arrow IPC answer decodes to the JSON rows, with page headers", async () => {
  const t = await testApp();
  try {
    const body = {
      columns: ["id", "state", "severity", "flag", "day"],
      page_size: 20,
      page: 2,
    };
    const json = await (await t.call("POST", Q, body)).json();
    const res = await t.call("POST", Q, body, {
      accept: "application/vnd.apache.arrow.stream",
    });
    assert.equal(
      res.headers.get("content-type"),
      "application/vnd.apache.arrow.stream",
    );
    assert.equal(res.headers.get("x-page"), "2");
    assert.equal(res.headers.get("x-returned"), "20");
    assert.equal(res.headers.get("x-has-more"), "true");
    assert.equal(res.headers.get("x-dataset-version"), "1");
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    const rows = table.toArray().map((r) => {
      const o = r.toJSON();
      return {
        id: Number(o.id),
        state: o.state,
        severity: o.severity,
        flag: o.flag,
        day: new Date(o.day as number).toISOString().slice(0, 10),
      };
    });
    assert.deepEqual(rows, json.rows);
  } finally {
    await t.close();
  }
});

Deno.test("NDJSON and CSV stream every row up to limit", async () => {
  const t = await testApp();
  try {
    const nd = await (await t.call("POST", `${Q}?format=ndjson`, {
      columns: ["id", "state"],
    })).text();
    const lines = nd.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, FIXTURE_ROWS);
    assert.deepEqual(lines[3], { id: 3, state: "Zürich" });
    const csv = await (await t.call("POST", `${Q}?format=csv`, {
      columns: ["id", "state"],
      limit: 3,
    })).text();
    assert.equal(csv, "id,state\r\n0,\r\n1,CA\r\n2,NY\r\n");
    const bad = await t.call("POST", `${Q}?format=xml`, {});
    assert.equal(bad.status, 400);
  } finally {
    await t.close();
  }
});

Deno.test("compression round-trips for zstd, br and gzip, with Vary", async () => {
  const t = await testApp();
  try {
    const body = { columns: ["id", "state", "at"], page_size: 200 };
    const plain = await (await t.call("POST", Q, body)).text();
    const decoders: Record<string, (b: Uint8Array) => Uint8Array> = {
      zstd: zlib.zstdDecompressSync,
      br: zlib.brotliDecompressSync,
      gzip: zlib.gunzipSync,
    };
    for (const [enc, decode] of Object.entries(decoders)) {
      const res = await t.call("POST", Q, body, {
        "accept-encoding": `${enc}, identity;q=0.1`,
      });
      assert.equal(res.headers.get("content-encoding"), enc);
      assert.match(res.headers.get("vary") ?? "", /Accept-Encoding/i);
      const text = new TextDecoder().decode(
        decode(new Uint8Array(await res.arrayBuffer())),
      );
      assert.equal(text, plain);
    }
    const q0 = await t.call("POST", Q, body, { "accept-encoding": "gzip;q=0" });
    assert.equal(q0.headers.get("content-encoding"), null);
    const small = await t.call("GET", "/api/v1/datasets", undefined, {
      "accept-encoding": "gzip",
    });
    assert.equal(
      small.headers.get("content-encoding"),
      null,
      "bodies under 1 KiB stay identity",
    );
  } finally {
    await t.close();
  }
});

Deno.test("ETag and If-None-Match give 304", async () => {
  const t = await testApp();
  try {
    const body = { columns: ["id"], page_size: 5 };
    const first = await t.call("POST", Q, body);
    const tag = first.headers.get("etag")!;
    assert.ok(tag);
    const again = await t.call("POST", Q, { page_size: 5, columns: ["id"] }, {
      "if-none-match": tag,
    });
    assert.equal(again.status, 304);
    const other = await t.call("POST", Q, { columns: ["id"], page_size: 6 }, {
      "if-none-match": tag,
    });
    assert.equal(other.status, 200);
  } finally {
    await t.close();
  }
});

Deno.test("error statuses: 400, 404, 405, 413, 415, 403/401 reload, 504", async () => {
  const t = await testApp({ max_body_bytes: 200, request_timeout_ms: 1 });
  try {
    const shape = async (res: Response, status: number, code?: string) => {
      assert.equal(res.status, status);
      const body = await res.json();
      assert.equal(body.error.status, status);
      if (code) assert.equal(body.error.code, code);
      assert.equal(typeof body.error.message, "string");
      assert.doesNotMatch(body.error.message, /SELECT|read_parquet|\/tmp\//);
      return body.error;
    };
    const slow = await testApp({ request_timeout_ms: 0 }, t.path);
    try {
      const e = await shape(
        await slow.call("POST", Q, {
          predicates: [{ col: "nope", op: "eq", val: 1 }],
        }),
        400,
        "unknown_column",
      );
      assert.equal(e.path, "predicates[0].col");
      await shape(await slow.call("POST", Q, "{not json"), 400, "invalid_json");
      await shape(
        await slow.call("POST", "/api/v1/datasets/none/query", {}),
        404,
      );
      await shape(await slow.call("GET", "/nowhere"), 404);
      const m = await slow.call("PUT", Q);
      assert.equal(m.headers.get("allow"), "POST, GET");
      await shape(m, 405);
      await shape(
        await slow.call("POST", Q, "{}", { "content-type": "text/plain" }),
        415,
      );
      await shape(
        await slow.call("POST", "/api/v1/datasets/fx/reload"),
        403,
        "reload_disabled",
      );
    } finally {
      await slow.close();
    }
    await shape(
      await t.call("POST", Q, { columns: Array(100).fill("id") }),
      413,
    );
    // A body that never ends outlasts the 1 ms deadline.
    await shape(await t.app.handler(endlessPost(Q)), 504, "timeout");
  } finally {
    await t.close();
  }
});

Deno.test("prefix mounts every route", async () => {
  const t = await testApp({ prefix: "/dp", metrics_enabled: true });
  try {
    assert.equal((await t.call("GET", "/dp/healthz")).status, 200);
    assert.equal((await t.call("GET", "/healthz")).status, 404);
    assert.equal(
      (await t.call("POST", "/dp/api/v1/datasets/fx/count", {})).status,
      200,
    );
    const metrics = await (await t.call("GET", "/dp/metrics")).text();
    assert.match(
      metrics,
      /datapress_http_requests_total\{route="\/api\/v1\/datasets\/:name\/count",method="POST",status="200"\} 1/,
    );
    assert.match(metrics, /datapress_dataset_rows\{dataset="fx"\} 500/);
  } finally {
    await t.close();
  }
});

Deno.test("auth wiring: protected routes answer 503 while the issuer is unreachable, health stays open", async () => {
  const { validateAuthConfig } = await import("../../auth/mod.ts");
  const t = await testApp({
    auth: validateAuthConfig({
      enabled: true,
      issuer: "http://127.0.0.1:9/",
      audience: "datapress",
      start_degraded: true,
    }),
  });
  try {
    assert.equal((await t.call("GET", "/healthz")).status, 200);
    assert.equal((await t.call("GET", "/readyz")).status, 200);
    const res = await t.call("POST", "/api/v1/datasets/fx/query", {});
    assert.equal(res.status, 503);
    const body = await res.json();
    assert.equal(body.error.status, 503);
    assert.doesNotMatch(body.error.message, /127\.0\.0\.1:9/);
  } finally {
    await t.close();
  }
});
