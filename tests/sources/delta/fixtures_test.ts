/**
 * Every fixture table (made by Spark / delta-rs / delta-kernel-rs, see
 * tests/fixtures/README.md) resolves to files that, read with DuckDB,
 * give exactly the rows its source project ships as expected output.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { resolveDelta } from "../../../sources/delta/mod.ts";
import { readResolved } from "./_read.ts";
import { FIXTURES, fsStore, tempCopy } from "./_store.ts";

interface Expected {
  version: number | null;
  columns: string[];
  rows: (string | null)[][];
}

/** Every fixture with an expected.json but dv-special-char, whose log is a template (below). */
const TABLES: string[] = [];
for await (const entry of Deno.readDir(FIXTURES)) {
  if (!entry.isDirectory || entry.name === "dv-special-char") continue;
  const has = await Deno.stat(`${FIXTURES}${entry.name}/expected.json`)
    .then(() => true, () => false);
  if (has) TABLES.push(entry.name);
}
TABLES.sort();

const instance = await DuckDBInstance.create(":memory:");

for (const table of TABLES) {
  Deno.test(`delta fixture ${table} gives its expected rows`, async () => {
    const root = `${FIXTURES}${table}`;
    const expected: Expected = JSON.parse(
      await Deno.readTextFile(`${root}/expected.json`),
    );
    const source = await resolveDelta(fsStore(), root, { name: table });
    assertEquals(source.format, "delta");
    if (expected.version !== null) {
      assertEquals(source.sourceVersion, expected.version);
    }
    const conn = await instance.connect();
    try {
      const got = await readResolved(conn, source, expected.columns);
      assertEquals(got.rows, expected.rows);
    } finally {
      conn.closeSync();
    }
  });
}

Deno.test("delta absolute-path deletion vector in a folder with special characters", async () => {
  // Delta's DeletionVectorsSuite fills the template with the folder's URI:
  // the table is range(0, 10) with every even id deleted.
  const root = await tempCopy(`${FIXTURES}dv-special-char`);
  try {
    const log = `${root}/_delta_log/00000000000000000000.json`;
    const folder =
      new URL(`file://${root}/folder&with%25special%20char`).pathname;
    const text = await Deno.readTextFile(log);
    await Deno.writeTextFile(
      log,
      text.replace("{{FOLDER_WITH_SPECIAL_CHAR}}", folder),
    );
    const source = await resolveDelta(fsStore(), root, { name: "dv" });
    assertEquals(Array.from(source.files[0]!.deletedRows!), [0, 2, 4, 6, 8]);
    const expected: Expected = JSON.parse(
      await Deno.readTextFile(`${root}/expected.json`),
    );
    const conn = await instance.connect();
    try {
      assertEquals(
        (await readResolved(conn, source, ["id"])).rows,
        expected.rows,
      );
    } finally {
      conn.closeSync();
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
