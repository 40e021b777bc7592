/**
 * A parquet file with no rows is a dataset like any other: both engines
 * load it, give it the file's schema and answer every route with nothing
 * (the memory engine once refused it while building an index over no rows).
 */
import assert from "node:assert/strict";
import { tableFromIPC } from "apache-arrow";
import { writeFixture } from "../_shared/fixture.ts";
import type { Case } from "../conformance/cases.ts";
import { compareEngines } from "../conformance/compare.ts";
import { testApp } from "../http/_app.ts";

const cases: Case[] = [
  { name: "all rows", route: "query", body: {} },
  { name: "count", route: "count", body: {} },
  {
    name: "count indexed eq",
    route: "count",
    body: { predicates: [{ col: "state", op: "eq", val: "TX" }] },
  },
  {
    name: "eq on an indexed int",
    route: "query",
    body: { predicates: [{ col: "severity", op: "in", val: [1, 2] }] },
  },
  {
    name: "range and like",
    route: "query",
    body: {
      predicates: [
        { col: "score", op: "gt", val: 1 },
        { col: "state", op: "like", val: "T%" },
      ],
    },
  },
  {
    name: "order",
    route: "query",
    body: { order_by: [{ col: "at", dir: "desc" }, { col: "id" }] },
  },
  {
    name: "group",
    route: "query",
    body: {
      group_by: ["state", "day"],
      aggregations: [
        { op: "count" },
        { op: "sum", col: "price" },
        { op: "avg", col: "score" },
      ],
    },
  },
  {
    name: "aggregate without groups",
    route: "query",
    body: { aggregations: [{ op: "count" }, { op: "max", col: "big" }] },
  },
  {
    name: "distinct",
    route: "query",
    body: { columns: ["flag", "raw"], distinct: true },
  },
];

Deno.test("empty parquet: both engines answer alike, byte for byte", async () => {
  await compareEngines(await writeFixture(0), cases);
});

Deno.test("empty parquet: schema, empty pages, count 0, empty groups on each engine", async () => {
  const path = await writeFixture(0);
  const schemas: string[] = [];
  for (const backend of ["duckdb", "memory"] as const) {
    const t = await testApp({ backend }, path);
    try {
      const schemaRes = await t.call("GET", "/api/v1/datasets/fx/schema");
      assert.equal(schemaRes.status, 200, backend);
      const schemaText = await schemaRes.text();
      assert.match(schemaText, /"sample":null/, backend);
      const schema = JSON.parse(schemaText);
      // Only "indexed" may differ: the memory engine indexes empty columns.
      schemas.push(JSON.stringify({
        ...schema,
        columns: schema.columns.map((c: object) => ({
          ...c,
          indexed: undefined,
        })),
      }));
      assert.equal(schema.rows, 0, backend);
      assert.deepEqual(
        schema.columns.map((c: { name: string }) => c.name),
        [
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
        ],
        backend,
      );

      const list = await (await t.call("GET", "/api/v1/datasets")).json();
      assert.equal(list.datasets[0].rows, 0, backend);
      assert.equal(list.datasets[0].engine, backend);

      const page = await (await t.call(
        "POST",
        "/api/v1/datasets/fx/query",
        { page_size: 10 },
      )).json();
      assert.deepEqual(page.rows, [], backend);
      assert.equal(page.columns.length, 11, backend);

      const count = await (await t.call(
        "POST",
        "/api/v1/datasets/fx/count",
        { predicates: [{ col: "severity", op: "eq", val: 1 }] },
      )).json();
      assert.equal(count.count, 0, backend);
      const all = await (await t.call("POST", "/api/v1/datasets/fx/count", {}))
        .json();
      assert.equal(all.count, 0, backend);

      const groups = await (await t.call(
        "POST",
        "/api/v1/datasets/fx/query",
        { group_by: ["state"], aggregations: [{ op: "count" }] },
      )).json();
      assert.deepEqual(groups.rows, [], backend);

      const arrow = await t.call(
        "POST",
        "/api/v1/datasets/fx/query",
        { columns: ["id", "state", "tags"] },
        { accept: "application/vnd.apache.arrow.stream" },
      );
      assert.equal(arrow.status, 200, backend);
      const table = tableFromIPC(new Uint8Array(await arrow.arrayBuffer()));
      assert.equal(table.numRows, 0, backend);
      assert.deepEqual(
        table.schema.fields.map((f) => f.name),
        ["id", "state", "tags"],
        backend,
      );
    } finally {
      await t.close();
    }
  }
  assert.equal(schemas[0], schemas[1], "schema answers differ");
});
