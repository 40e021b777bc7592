/**
 * Every Delta fixture with an expected.json (tests/fixtures/README.md says
 * where each comes from), served by both engines: the whole table,
 * exported as parquet and printed by DuckDB, is the expected rows; the
 * schema route lists the columns in the table schema's order; a page
 * encodes as Arrow; and the generic conformance cases get byte-identical
 * answers. Adding a fixture
 * folder adds it here.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { canonicalRows } from "../sources/delta/_canonical.ts";
import { tableCases } from "./cases.ts";
import { compareEngines, engineApps } from "./compare.ts";

const DELTA = new URL("../fixtures/delta/", import.meta.url).pathname;

/** Fixtures this runner cannot serve as they are, and why. */
const SKIPPED: Record<string, string> = {
  "dv-special-char":
    "its log holds a template the test fills in with an absolute folder (tests/sources/delta/fixtures_test.ts)",
};

interface Expected {
  columns: string[];
  rows: (string | null)[][];
}

const tables: string[] = [];
for await (const entry of Deno.readDir(DELTA)) {
  if (!entry.isDirectory || Object.hasOwn(SKIPPED, entry.name)) continue;
  const has = await Deno.stat(`${DELTA}${entry.name}/expected.json`)
    .then(() => true, () => false);
  if (has) tables.push(entry.name);
}
tables.sort();

const db = await DuckDBInstance.create(":memory:");

/** The rows of a parquet export, as DuckDB prints them. */
async function exported(bytes: Uint8Array, columns: string[]) {
  const path = await Deno.makeTempFile({ suffix: ".parquet" });
  const conn = await db.connect();
  try {
    await Deno.writeFile(path, bytes);
    return await canonicalRows(
      conn,
      "SELECT * FROM read_parquet($1)",
      [path],
      columns,
    );
  } finally {
    conn.closeSync();
    await Deno.remove(path);
  }
}

Deno.test("delta fixtures: at least the tables the README lists", () => {
  assert.ok(tables.length >= 28, `${tables.length} tables`);
});

for (const table of tables) {
  Deno.test(`delta fixture ${table}: both engines serve its expected rows, in schema order`, async () => {
    const path = `${DELTA}${table}`;
    const expected: Expected = JSON.parse(
      await Deno.readTextFile(`${path}/expected.json`),
    );
    const apps = await engineApps(path);
    try {
      for (const app of apps) {
        const schema = await (await app.handler(
          new Request("http://local/api/v1/datasets/fx/schema"),
        )).json();
        const names = schema.columns.map((c: { name: string }) => c.name);
        assert.deepEqual(names, expected.columns, `${table} column order`);
        const res = await app.handler(
          new Request("http://local/api/v1/datasets/fx/query?format=parquet", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: "{}",
          }),
        );
        assert.equal(res.status, 200);
        const got = await exported(
          new Uint8Array(await res.arrayBuffer()),
          expected.columns,
        );
        assert.deepEqual(got.rows, expected.rows, table);
        const page = await app.handler(
          new Request("http://local/api/v1/datasets/fx/query?format=arrow", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: "{}",
          }),
        );
        assert.equal(page.status, 200, `${table} as Arrow`);
        await page.body?.cancel();
      }
    } finally {
      for (const app of apps) await app.close();
    }
    await compareEngines(path, tableCases(expected.columns[0]!));
  });
}
