/**
 * Every case of cases.ts runs on both engines: JSON answers must be the same
 * bytes, Arrow answers the same bytes, errors the same status and code.
 */
import assert from "node:assert/strict";
import { writeFixture } from "../_shared/fixture.ts";
import { type Case, cases, tableCases } from "./cases.ts";
import { compareEngines } from "./compare.ts";

Deno.test("conformance: duckdb and memory engines answer alike", async () => {
  const all = cases();
  assert.ok(all.length >= 150, `${all.length} cases`);
  await compareEngines(await writeFixture(), all);
});

Deno.test("conformance: mostly-distinct strings (kept undictionaried by the memory engine)", async () => {
  const path = await writeFixture(
    12_000,
    ", 'u-' || (i * 7919 % 12000) || CASE WHEN i % 3 = 0 THEN 'ß' ELSE '' END AS uid",
  );
  const uid: Case[] = [
    ...["eq", "neq", "gt", "lte"].map((op) => ({
      name: `uid ${op}`,
      route: "query" as const,
      body: { predicates: [{ col: "uid", op, val: "u-5000" }], page_size: 30 },
    })),
    {
      name: "uid like",
      route: "count",
      body: { predicates: [{ col: "uid", op: "like", val: "u-1%ß" }] },
    },
    {
      name: "uid ilike",
      route: "query",
      body: { predicates: [{ col: "uid", op: "ilike", val: "U-2_" }] },
    },
    {
      name: "uid in",
      route: "query",
      body: {
        predicates: [{ col: "uid", op: "in", val: ["u-1", "u-7ß", "zz"] }],
      },
    },
    {
      name: "uid order",
      route: "query",
      body: {
        columns: ["uid", "id"],
        order_by: [{ col: "uid", dir: "desc" }],
        page: 4,
        page_size: 50,
      },
    },
    {
      name: "uid distinct",
      route: "query",
      body: { columns: ["uid"], distinct: true, page: 3, page_size: 100 },
    },
    {
      name: "uid group",
      route: "query",
      body: {
        group_by: ["uid"],
        aggregations: [{ op: "count" }, { op: "max", col: "state" }],
        page_size: 40,
      },
    },
    {
      name: "min uid by state",
      route: "query",
      body: {
        group_by: ["state"],
        aggregations: [{ op: "min", col: "uid" }, { op: "max", col: "uid" }],
      },
    },
  ];
  await compareEngines(path, uid);
});

Deno.test("conformance: hive-partitioned directory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "datapress-hive-" });
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run(
    `COPY (SELECT i AS id, 'n' || i AS name, CASE WHEN i % 5 = 0 THEN NULL ELSE i % 4 END AS part
    FROM range(3000) t(i)) TO '${dir}' (FORMAT parquet, PARTITION_BY (part))`,
  );
  c.closeSync();
  db.closeSync();
  await compareEngines(dir, tableCases("id", "part"));
});
