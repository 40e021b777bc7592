/**
 * The conformance table over a CSV and an NDJSON copy of the fixture: text
 * sources must give identical answers on both engines too.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { writeFixture } from "../_shared/fixture.ts";
import { cases } from "./cases.ts";
import { compareEngines } from "./compare.ts";

/** The fixture rewritten by DuckDB as `format` (lists and blobs as text in CSV). */
async function fixtureAs(format: "csv" | "ndjson"): Promise<string> {
  const parquet = await writeFixture();
  const path = parquet.replace(/\.parquet$/, `.${format}`);
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run(
    `COPY (SELECT * FROM read_parquet('${parquet}')) TO '${path}' (FORMAT ${
      format === "csv" ? "csv" : "json"
    })`,
  );
  c.closeSync();
  db.closeSync();
  return path;
}

for (const format of ["csv", "ndjson"] as const) {
  Deno.test(`conformance: a ${format} source answers alike on both engines`, async () => {
    await compareEngines(await fixtureAs(format), cases());
  });
}
