/**
 * GET .../columns/{col}/profile on both engines: the same bytes (the
 * distinct estimate aside, which must be within 2 % of the exact count),
 * counts that agree with DuckDB and with the count route, one computation
 * per dataset version, and 404s that name what is missing.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { type App, createApp } from "../../server/app.ts";
import { defaultConfig } from "../../server/config.ts";
import { datasetFromArg } from "../../server/dataset_config.ts";
import type { Engine } from "../../engines/engine.ts";
import { writeFixture } from "../_shared/fixture.ts";

const ROWS = 30_000;
/** Beside the fixture's columns: infinities, float32, an all-null column, awkward names, a struct, mostly-distinct text. */
const EXTRA = `,
  CASE WHEN i % 17 = 0 THEN 'Infinity'::DOUBLE WHEN i % 19 = 0 THEN '-Infinity'::DOUBLE ELSE i * 0.25 END AS wild,
  (i % 1000 * 0.1)::FLOAT AS f32,
  NULL::INTEGER AS nothing,
  (i % 7)::BIGINT AS "count",
  (i % 3)::UINTEGER AS "a/b",
  {'k': i % 3} AS s,
  'u-' || (i * 7919 % ${ROWS}) AS uid,
  TIMESTAMP '2020-01-01' + to_microseconds(i * 1000003) AS wall`;

const COLUMNS = [
  "id",
  "state",
  "score",
  "severity",
  "day",
  "at",
  "flag",
  "big",
  "price",
  "raw",
  "tags",
  "wild",
  "f32",
  "nothing",
  "count",
  "a/b",
  "s",
  "uid",
  "wall",
];

function profilePath(col: string): string {
  return `/api/v1/datasets/fx/columns/${encodeURIComponent(col)}/profile`;
}

async function appOn(
  path: string,
  backend: "duckdb" | "memory",
  engine?: Engine,
): Promise<App> {
  const app = await createApp({
    ...defaultConfig(),
    backend,
    kv: ":memory:",
    datasets: [{ ...datasetFromArg(path, 0), name: "fx" }],
  }, { engine, adminToken: "t" });
  await app.loadAll();
  return app;
}

function get(app: App, path: string, method = "GET"): Promise<Response> {
  return app.handler(new Request(`http://local${path}`, { method }));
}

/** Exact distinct counts per column, straight from DuckDB. */
async function exactDistinct(path: string): Promise<Record<string, number>> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    const sql = `SELECT ${
      COLUMNS.map((n) => `count(DISTINCT "${n}")::INTEGER`).join(", ")
    } FROM '${path}'`;
    const row = (await c.runAndReadAll(sql)).getRows()[0]!;
    return Object.fromEntries(COLUMNS.map((n, i) => [n, Number(row[i])]));
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

Deno.test("profile: both engines give the same bytes; distinct within 2 % of exact", async () => {
  const path = await writeFixture(ROWS, EXTRA);
  const exact = await exactDistinct(path);
  const apps = [await appOn(path, "duckdb"), await appOn(path, "memory")];
  try {
    for (const col of COLUMNS) {
      const [d, m] = await Promise.all(
        apps.map(async (app) => {
          const res = await get(app, profilePath(col));
          assert.equal(res.status, 200, col);
          assert.equal(res.headers.get("content-type"), "application/json");
          return await res.text();
        }),
      );
      const bare = (s: string) => s.replace(/"distinct_approx":\d+/, "");
      assert.equal(bare(m!), bare(d!), `${col}: engines differ`);
      for (const text of [d!, m!]) {
        const p = JSON.parse(text);
        const want = exact[col]!;
        assert.ok(
          Math.abs(p.distinct_approx - want) <= want * 0.02,
          `${col}: distinct_approx ${p.distinct_approx}, exact ${want}`,
        );
      }
    }
  } finally {
    for (const app of apps) await app.close();
  }
});

Deno.test("profile: counts agree with DuckDB and the count route; bins cover every value", async () => {
  const path = await writeFixture(ROWS, EXTRA);
  const app = await appOn(path, "memory");
  const count = async (predicates: unknown[]) =>
    (await (await app.handler(
      new Request("http://local/api/v1/datasets/fx/count", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ predicates }),
      }),
    )).json()).count as number;
  try {
    const state = await (await get(app, profilePath("state"))).json();
    assert.deepEqual(
      { ...state, top: undefined },
      {
        dataset: "fx",
        version: 1,
        column: "state",
        type: "string",
        rows: ROWS,
        nulls: Math.ceil(ROWS / 7),
        distinct_approx: 5,
        min: "CA",
        max: "日本",
        top: undefined,
        histogram: null,
      },
    );
    // Top values: count descending, then value ascending (UTF-8 bytes).
    const bytes = (v: string) =>
      [...new TextEncoder().encode(v)].map((b) =>
        b.toString(16).padStart(2, "0")
      )
        .join("");
    state.top.slice(1).forEach(
      (t: { value: string; count: number }, k: number) => {
        const prev = state.top[k];
        assert.ok(
          t.count < prev.count ||
            (t.count === prev.count && bytes(prev.value) < bytes(t.value)),
          `top order at ${k + 1}`,
        );
      },
    );
    assert.equal(state.top.length, 5);
    for (const t of state.top) {
      assert.equal(
        t.count,
        await count([{ col: "state", op: "eq", val: t.value }]),
      );
    }

    for (
      const col of [
        "id",
        "score",
        "severity",
        "day",
        "at",
        "big",
        "price",
        "wild",
        "f32",
        "count",
        "a/b",
        "wall",
      ]
    ) {
      const p = await (await get(app, profilePath(col))).json();
      const h = p.histogram as { lo: unknown; hi: unknown; count: number }[];
      assert.ok(h.length >= 1 && h.length <= 20, `${col}: ${h.length} bins`);
      assert.equal(
        h.reduce((s, b) => s + b.count, 0),
        p.rows - p.nulls,
        `${col}: bins count every non-null row`,
      );
      h.slice(1).forEach((b, k) =>
        assert.deepEqual(b.lo, h[k]!.hi, `${col}: contiguous`)
      );
      if (col === "wild" || col === "score") {
        // Bins span the finite values; infinities and NaN join the end bins.
        assert.ok(
          typeof h[0]!.lo === "number" && typeof h.at(-1)!.hi === "number",
        );
        continue;
      }
      assert.deepEqual([h[0]!.lo, h.at(-1)!.hi], [p.min, p.max], col);
      for (const [k, b] of h.entries()) {
        const last = k === h.length - 1;
        assert.equal(
          b.count,
          await count([
            { col, op: "gte", val: b.lo },
            { col, op: last ? "lte" : "lt", val: b.hi },
          ]),
          `${col} bin ${k}`,
        );
      }
    }

    const severity = await (await get(app, profilePath("severity"))).json();
    assert.deepEqual(severity.histogram, [
      { lo: 1, hi: 2, count: 7500 },
      { lo: 2, hi: 3, count: 7500 },
      { lo: 3, hi: 4, count: 7500 },
      { lo: 4, hi: 4, count: 7500 },
    ]);

    const wild = await (await get(app, profilePath("wild"))).json();
    assert.equal(wild.min, "-Infinity");
    assert.equal(wild.max, "Infinity");

    // No non-null value: nothing to order or bin.
    const nothing = await (await get(app, profilePath("nothing"))).json();
    assert.deepEqual(
      [nothing.nulls, nothing.min, nothing.max, nothing.top, nothing.histogram],
      [ROWS, null, null, [], []],
    );
    // Binary and nested columns: no order, so no min, max or top values.
    for (const col of ["raw", "tags", "s"]) {
      const p = await (await get(app, profilePath(col))).json();
      assert.deepEqual([p.min, p.max, p.top, p.histogram], [
        null,
        null,
        [],
        null,
      ], col);
    }
  } finally {
    await app.close();
  }
});

Deno.test("profile: computed once per dataset version", async () => {
  const path = await writeFixture(2_000);
  const { MemoryEngine } = await import("../../engines/memory/mod.ts");
  const engine = new MemoryEngine();
  let calls = 0;
  const counting = new Proxy(engine, {
    get(target, key) {
      const v = Reflect.get(target, key);
      if (key === "query" || key === "count" || key === "stream") {
        return (...args: unknown[]) => {
          calls++;
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof v === "function" ? v.bind(target) : v;
    },
  }) as Engine;
  const app = await appOn(path, "memory", counting);
  try {
    const first = await (await get(app, profilePath("score"))).text();
    assert.ok(calls > 0);
    const after = calls;
    assert.equal(await (await get(app, profilePath("score"))).text(), first);
    assert.equal(calls, after, "the second answer came from the cache");

    await Deno.copyFile(await writeFixture(1_000), path);
    const reload = await app.handler(
      new Request("http://local/api/v1/datasets/fx/reload", {
        method: "POST",
        headers: { "x-admin-token": "t" },
      }),
    );
    assert.equal(reload.status, 200);
    await reload.body?.cancel();
    const next = JSON.parse(
      await (await get(app, profilePath("score"))).text(),
    );
    assert.equal(next.version, 2);
    assert.ok(calls > after, "a new version is profiled again");
  } finally {
    await app.close();
  }
});

Deno.test("profile: unknown column and dataset are 404s naming them; other methods 405", async () => {
  const app = await appOn(await writeFixture(50), "duckdb");
  try {
    const col = await get(app, profilePath("nope"));
    assert.equal(col.status, 404);
    const e = (await col.json()).error;
    assert.equal(e.code, "unknown_column");
    assert.match(e.message, /"nope"/);
    const ds = await get(app, "/api/v1/datasets/zz/columns/id/profile");
    assert.equal(ds.status, 404);
    assert.match((await ds.json()).error.message, /"zz"/);
    const post = await get(app, profilePath("id"), "POST");
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET");
    await post.body?.cancel();
    const empty = await get(app, "/api/v1/datasets/fx/columns//profile");
    assert.equal(empty.status, 404);
    await empty.body?.cancel();
  } finally {
    await app.close();
  }
});
