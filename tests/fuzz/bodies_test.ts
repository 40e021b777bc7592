/**
 * Thousands of generated bad or hostile bodies against a real server: every
 * answer is JSON, never a 5xx, and the server stays up. Deterministic seed.
 */
import assert from "node:assert/strict";
import { createApp } from "../../server/app.ts";
import { defaultConfig } from "../../server/config.ts";
import { datasetFromArg } from "../../server/dataset_config.ts";
import { writeFixture } from "../_shared/fixture.ts";

/** mulberry32: a small seeded PRNG so failures reproduce. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
];
const HOSTILE = [
  `"; DROP TABLE x; --`,
  `state" OR 1=1 --`,
  "id\u0000",
  "'",
  "\\",
  "%",
  "_%\\",
  "\ud800",
  "😀".repeat(100),
  "a".repeat(10_000),
  "read_parquet('/etc/passwd')",
  "NaN",
  "-Infinity",
  "1e309",
  "9223372036854775808",
  "-9223372036854775809",
  "2024-13-45",
  "2024-02-30T25:61:61Z",
  "AAAA",
  "$1",
  "?",
  "__proto__",
  "constructor",
];
const KEYS = [
  "columns",
  "predicates",
  "order_by",
  "group_by",
  "aggregations",
  "distinct",
  "limit",
  "page",
  "page_size",
  "__proto__",
  "colums",
  "predicate",
  "",
];
const OPS = [
  "eq",
  "neq",
  "gt",
  "gte",
  "lt",
  "lte",
  "like",
  "ilike",
  "in",
  "is_null",
  "is_not_null",
  "EQ",
  "between",
  "",
];

function generator(seed: number) {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const scalar = (): unknown =>
    pick([
      () => pick(HOSTILE),
      () => Math.floor(r() * 2000) - 1000,
      () => r() * 1e6,
      () => pick([true, false, null]),
      () => pick([2 ** 53 + 1, -(2 ** 60), 1.5, -0, 1e308]),
      () => pick(COLUMNS),
    ])();
  const value = (depth: number): unknown => {
    if (depth > 3 || r() < 0.5) return scalar();
    if (r() < 0.5) {
      return Array.from(
        { length: Math.floor(r() * 4) },
        () => value(depth + 1),
      );
    }
    return Object.fromEntries(
      Array.from(
        { length: Math.floor(r() * 3) },
        () => [pick(KEYS), value(depth + 1)],
      ),
    );
  };
  const predicate = () => {
    const p: Record<string, unknown> = {};
    if (r() < 0.9) p.col = r() < 0.7 ? pick(COLUMNS) : scalar();
    if (r() < 0.9) p.op = pick(OPS);
    if (r() < 0.8) {
      p.val = r() < 0.3
        ? Array.from({ length: Math.floor(r() * 5) }, scalar)
        : scalar();
    }
    if (r() < 0.05) p.extra = 1;
    return p;
  };
  return (): string => {
    const kind = r();
    if (kind < 0.05) {
      return pick([
        "",
        "{",
        "[]",
        "null",
        "42",
        '"x"',
        "{}}",
        "\u0000",
        "[".repeat(5000) + "]".repeat(5000),
        '{"a":' + "[".repeat(100000),
      ]);
    }
    if (kind < 0.1) {
      return JSON.stringify({
        predicates: [{
          col: "state",
          op: "in",
          val: Array.from({ length: 20_000 }, (_, i) => `v${i}`),
        }],
      });
    }
    if (kind < 0.15) {
      return JSON.stringify({
        columns: Array.from({ length: 5000 }, () => pick(COLUMNS)),
      });
    }
    const body: Record<string, unknown> = {};
    const n = Math.floor(r() * 5);
    for (let i = 0; i < n; i++) {
      const k = pick(KEYS);
      body[k] = k === "predicates"
        ? Array.from({ length: Math.floor(r() * 4) }, predicate)
        : k === "order_by"
        ? [{
          col: r() < 0.7 ? pick(COLUMNS) : scalar(),
          dir: pick(["asc", "desc", "up", 1]),
        }]
        : k === "aggregations"
        ? [{
          op: pick(["count", "sum", "avg", "min", "max", "median"]),
          col: r() < 0.7 ? pick(COLUMNS) : scalar(),
          alias: r() < 0.3 ? scalar() : undefined,
        }]
        : k === "group_by" || k === "columns"
        ? Array.from(
          { length: Math.floor(r() * 3) },
          () => r() < 0.8 ? pick(COLUMNS) : scalar(),
        )
        : value(0);
    }
    return JSON.stringify(body);
  };
}

Deno.test("fuzz: 2,400 hostile bodies get JSON answers, no 5xx, server stays up", async () => {
  const app = await createApp({
    ...defaultConfig(),
    port: 0,
    kv: ":memory:",
    datasets: [{ ...datasetFromArg(await writeFixture(), 0), name: "fx" }],
  });
  await app.loadAll();
  const server = app.listen();
  const base = await server.url;
  const next = generator(20261125);
  const statuses = new Map<number, number>();
  try {
    for (let i = 0; i < 2400; i++) {
      const body = next();
      const route = i % 4 === 0 ? "count" : "query";
      const res = await fetch(`${base}/api/v1/datasets/fx/${route}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const text = await res.text();
      assert.ok(
        res.status < 500,
        `status ${res.status} for ${body.slice(0, 300)}: ${text.slice(0, 300)}`,
      );
      const parsed = JSON.parse(text);
      if (res.status >= 400) {
        assert.equal(parsed.error.status, res.status);
        assert.equal(typeof parsed.error.message, "string");
        // Echoing the client's own strings is fine; our SQL, file paths and stacks are not.
        assert.doesNotMatch(
          parsed.error.message,
          /datapress-test-|SELECT .* FROM|CAST\(|at file:/,
        );
      }
    }
    assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), {
      status: "ok",
    });
    assert.ok(
      (statuses.get(400) ?? 0) > 1000,
      `mostly 400s: ${JSON.stringify([...statuses])}`,
    );
  } finally {
    await server.shutdown();
    await app.close();
  }
});
