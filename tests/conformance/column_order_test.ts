/**
 * Column order (API.md): the schema route, JSON, NDJSON, Arrow and CSV
 * answers of both engines list a dataset's columns as its source declares
 * them. Delta: the table schema's order, partition columns where it puts
 * them. Hive tree: the files' columns, then the partition keys in path
 * order. Several files: the first file's order, then columns only later
 * files have, in file order.
 */
import assert from "node:assert/strict";
import * as arrow from "apache-arrow";
import { DuckDBInstance } from "@duckdb/node-api";
import { engineApps } from "./compare.ts";

const DELTA = new URL("../fixtures/delta/", import.meta.url).pathname;

async function post(
  app: { handler(r: Request): Promise<Response> },
  query: string,
): Promise<Response> {
  const res = await app.handler(
    new Request(`http://local/api/v1/datasets/fx/query${query}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ page_size: 5 }),
    }),
  );
  assert.equal(res.status, 200, query);
  return res;
}

/** The column names each answer of each engine lists for `path`. */
async function assertOrder(path: string, want: string[]): Promise<void> {
  const apps = await engineApps(path);
  try {
    for (const app of apps) {
      const schema = await (await app.handler(
        new Request("http://local/api/v1/datasets/fx/schema"),
      )).json();
      assert.deepEqual(
        schema.columns.map((c: { name: string }) => c.name),
        want,
      );
      const page = await (await post(app, "")).json();
      assert.deepEqual(page.columns.map((c: { name: string }) => c.name), want);
      assert.deepEqual(Object.keys(page.rows[0]), want);
      const ndjson = await (await post(app, "?format=ndjson")).text();
      assert.deepEqual(Object.keys(JSON.parse(ndjson.split("\n")[0]!)), want);
      const table = arrow.tableFromIPC(
        new Uint8Array(await (await post(app, "?format=arrow")).arrayBuffer()),
      );
      assert.deepEqual(table.schema.fields.map((f) => f.name), want);
      const csv = await (await post(app, "?format=csv")).text();
      assert.equal(csv.split(/\r?\n/)[0], want.join(","));
    }
  } finally {
    for (const app of apps) await app.close();
  }
}

async function duck(sql: string): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    await conn.run(sql);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

Deno.test("column order: a Delta table's schema order, partition column between data columns", async () => {
  await assertOrder(`${DELTA}evolution-add-columns`, [
    "id",
    "region",
    "s",
    "name",
  ]);
  await assertOrder(`${DELTA}column-mapping-partition-first`, [
    "Company Very Short",
    "Super Name",
  ]);
});

Deno.test("column order: several files, the first file's order then later-only columns", async () => {
  const dir = await Deno.makeTempDir();
  await duck(`
    COPY (SELECT 1 AS c, 2 AS a) TO '${dir}/a.parquet' (FORMAT parquet);
    COPY (SELECT 3 AS a, 'z' AS z, 4 AS c, true AS b)
      TO '${dir}/b.parquet' (FORMAT parquet);
    COPY (SELECT 5 AS y, 6 AS c) TO '${dir}/c.parquet' (FORMAT parquet);`);
  await assertOrder(dir, ["c", "a", "z", "b", "y"]);
});

Deno.test("column order: a hive tree, the files' columns then partition keys in path order", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/year=2024/state=TX`, { recursive: true });
  await Deno.mkdir(`${dir}/year=2025/state=CA`, { recursive: true });
  await duck(`
    COPY (SELECT 'b' AS zeta, 1 AS alpha)
      TO '${dir}/year=2024/state=TX/part.parquet' (FORMAT parquet);
    COPY (SELECT 2 AS alpha, 'c' AS zeta, 0.5 AS extra)
      TO '${dir}/year=2025/state=CA/part.parquet' (FORMAT parquet);`);
  await assertOrder(dir, ["zeta", "alpha", "extra", "year", "state"]);
});
