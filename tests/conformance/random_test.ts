/**
 * Seeded random requests (multi-key groups, multi-key top-k pages,
 * predicates) over a generated dataset whose columns exercise every fast
 * path of the memory engine: narrow and wide integers, 64-bit values beyond
 * 2^53 with ties, floats with NaN/-0/±Infinity, dates, timestamps,
 * booleans, dictionary and mostly-distinct strings, decimals, nulls in all.
 * DuckDB's answers are the reference.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import type { Case } from "./cases.ts";
import { compareEngines, engineApps } from "./compare.ts";

const ROWS = 12_000;

async function writeRandomFixture(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "datapress-random-" });
  const path = `${dir}/random.parquet`;
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  // hash(i, k) is deterministic, so every run sees the same data.
  const h = (k: number) => `(hash(i, ${k}) >> 1)::BIGINT`;
  const nullIf = (k: number, every: number, expr: string) =>
    `CASE WHEN ${h(k)} % ${every} = 0 THEN NULL ELSE ${expr} END`;
  await c.run(`COPY (
    SELECT
      ${nullIf(1, 10, `(${h(2)} % 11)::TINYINT - 5`)} AS k8,
      ${nullIf(3, 17, `(${h(4)} % 1000000000)::INTEGER - 500000000`)} AS wide,
      ${
    nullIf(
      5,
      13,
      `((${h(6)} % 7)::BIGINT - 3) * 36028797018963968 + (${h(7)} % 3)::BIGINT`,
    )
  } AS big,
      ${
    nullIf(
      8,
      9,
      `[0.0, '-0'::DOUBLE, 'NaN'::DOUBLE, 'Infinity'::DOUBLE, '-Infinity'::DOUBLE, 1.5, -2.25, 1e300][1 + ${
        h(9)
      } % 8]`,
    )
  } AS f,
      ${nullIf(10, 8, `DATE '2000-02-28' + (${h(11)} % 5)::INTEGER`)} AS d,
      ${
    nullIf(
      12,
      7,
      `TIMESTAMP '1969-12-31 23:59:58' + to_microseconds((${
        h(13)
      } % 5)::BIGINT * 750000)`,
    )
  } AS ts,
      ${nullIf(14, 6, `${h(15)} % 2 = 0`)} AS b,
      ${
    nullIf(
      16,
      5,
      `['TX', 'Zürich', '日本', 'zz', '', 'a\\b'][1 + ${h(17)} % 6]`,
    )
  } AS s,
      ${nullIf(18, 20, `'u' || (${h(19)} % 100000)`)} AS u,
      ${nullIf(20, 11, `(((${h(21)} % 9) - 4) / 8)::DECIMAL(12, 3)`)} AS dec
    FROM range(${ROWS}) t(i)
  ) TO '${path}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  return path;
}

const KEYS = ["k8", "wide", "big", "f", "d", "ts", "b", "s", "u", "dec"];
const NUMERIC = ["k8", "wide", "big", "f", "dec"];
const VALUES: Record<string, unknown[]> = {
  k8: [-5, 0, 3],
  wide: [0, -250000000, 499999999],
  big: ["-108086391056891904", "36028797018963969", "0"],
  f: [0, "NaN", 1.5, "-Infinity"],
  d: ["2000-02-29", "2000-03-01"],
  ts: ["1970-01-01T00:00:00.25", "1969-12-31T23:59:59.5"],
  b: [true, false],
  s: ["Zürich", "", "a\\b"],
  u: ["u123", "u99999"],
  dec: [0.125, -0.5],
};
const ORDERED_OPS = ["eq", "neq", "gt", "gte", "lt", "lte"];
const PATTERNS = ["%ü%", "z_", "A\\\\%", "u1%", "%9"];

function randomCases(seed: number, n: number): Case[] {
  let state = seed;
  const rnd = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const int = (k: number) => Math.floor(rnd() * k);
  const pick = <T>(xs: T[]) => xs[int(xs.length)]!;
  const some = <T>(xs: T[], most: number) => {
    const pool = [...xs];
    return Array.from(
      { length: 1 + int(most) },
      () => pool.splice(int(pool.length), 1)[0]!,
    );
  };
  const predicate = () => {
    const col = pick(Object.keys(VALUES));
    const vals = VALUES[col]!;
    const kind = int(5);
    if (kind === 0) return { col, op: "in", val: some(vals, 2) };
    if (kind === 1) return { col, op: pick(["is_null", "is_not_null"]) };
    if (kind === 2 && (col === "s" || col === "u")) {
      return { col, op: pick(["like", "ilike"]), val: pick(PATTERNS) };
    }
    return { col, op: pick(ORDERED_OPS), val: pick(vals) };
  };
  const predicates = () => Array.from({ length: int(3) }, predicate);
  const out: Case[] = [];
  for (let i = 0; i < n; i++) {
    const kind = int(4);
    if (kind === 0) {
      const keys = some(KEYS, 3);
      const col = pick(NUMERIC);
      const aggregations = [
        { op: "count" },
        { op: pick(["sum", "avg", "min", "max"]), col },
        { op: pick(["count", "min", "max"]), col: pick(KEYS) },
      ];
      out.push({
        name: `random group ${i}`,
        route: "query",
        body: {
          group_by: keys,
          aggregations,
          predicates: predicates(),
          page_size: 1 + int(40),
          page: 1 + int(3),
        },
      });
    } else if (kind === 1) {
      out.push({
        name: `random order ${i}`,
        route: "query",
        body: {
          order_by: some(KEYS, 3).map((col) => ({
            col,
            dir: pick(["asc", "desc"]),
          })),
          predicates: predicates(),
          page_size: 1 + int(30),
          page: 1 + int(4),
        },
      });
    } else if (kind === 2) {
      const columns = some(KEYS, 3);
      out.push({
        name: `random distinct ${i}`,
        route: "query",
        body: {
          columns,
          distinct: true,
          predicates: predicates(),
          page_size: 1 + int(30),
          page: 1 + int(2),
        },
      });
    } else {
      out.push({
        name: `random count ${i}`,
        route: "count",
        body: { predicates: predicates() },
      });
    }
  }
  return out;
}

// DuckDB's parquet reader compared a pushed-down float equality bit by bit
// (a stored -0.0 never matched 0), and its sort could drop the sign of -0.
const SIGNED_ZERO: Case[] = [
  {
    name: "f = 0 counts -0 too",
    route: "count",
    body: { predicates: [{ col: "f", op: "eq", val: 0 }] },
  },
  {
    name: "f in (0, NaN), ordered by f",
    route: "query",
    body: {
      predicates: [{ col: "f", op: "in", val: [0, "NaN"] }],
      order_by: [{ col: "f", dir: "desc" }, { col: "wide" }],
      page_size: 20,
      page: 2,
    },
  },
];

Deno.test("conformance: seeded random groups, top-k pages and predicates agree", async () => {
  await compareEngines(await writeRandomFixture(), [
    ...SIGNED_ZERO,
    ...randomCases(20261125, 150),
  ]);
});

Deno.test("conformance: column profiles of the random fixture are the same bytes", async () => {
  const apps = await engineApps(await writeRandomFixture());
  try {
    for (const col of KEYS) {
      const [d, m] = await Promise.all(apps.map(async (app) => {
        const res = await app.handler(
          new Request(`http://local/api/v1/datasets/fx/columns/${col}/profile`),
        );
        return `${res.status} ${await res.text()}`;
      }));
      assert.equal(m, d, col);
    }
  } finally {
    for (const app of apps) await app.close();
  }
});
