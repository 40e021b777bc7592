/**
 * Parquet types at the edge of what answers can carry: GeoParquet
 * geometry is served as its WKB binary on both engines; INTERVAL and
 * VARIANT columns are refused at load, naming the file and column (before,
 * DuckDB's cast error, SQL included, was the message).
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { resolveSource } from "../../sources/resolve.ts";
import { compareEngines, engineApps } from "./compare.ts";

const dir = await Deno.makeTempDir();
{
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  await conn.run(`
    COPY (SELECT i, CASE WHEN i % 3 = 0 THEN NULL
      ELSE ('POINT(' || i || ' 2)')::GEOMETRY END AS g FROM range(10) t(i))
      TO '${dir}/geo.parquet' (FORMAT parquet);
    COPY (SELECT INTERVAL 3 DAY AS v) TO '${dir}/interval.parquet' (FORMAT parquet);
    COPY (SELECT 1 AS i, {'a': 1}::VARIANT AS v)
      TO '${dir}/variant.parquet' (FORMAT parquet);`);
  conn.closeSync();
  db.closeSync();
}

Deno.test("parquet types: GeoParquet geometry is served as WKB binary on both engines", async () => {
  const apps = await engineApps(`${dir}/geo.parquet`);
  try {
    for (const app of apps) {
      const res = await app.handler(
        new Request("http://local/api/v1/datasets/fx/query", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            predicates: [{ col: "i", op: "eq", val: 1 }],
          }),
        }),
      );
      const page = await res.json();
      assert.deepEqual(page.columns, [
        { name: "i", type: "int64" },
        { name: "g", type: "binary" },
      ]);
      // WKB of POINT(1 2): little-endian, type 1, then x and y as doubles.
      const wkb = new Uint8Array(21);
      const view = new DataView(wkb.buffer);
      wkb[0] = 1;
      view.setUint32(1, 1, true);
      view.setFloat64(5, 1, true);
      view.setFloat64(13, 2, true);
      assert.equal(page.rows[0].g, btoa(String.fromCharCode(...wkb)));
    }
  } finally {
    for (const app of apps) await app.close();
  }
  await compareEngines(`${dir}/geo.parquet`, [
    { name: "all", route: "query", body: {} },
    {
      name: "null geometries",
      route: "count",
      body: { predicates: [{ col: "g", op: "is_null" }] },
    },
  ]);
});

Deno.test("parquet types: INTERVAL and VARIANT columns are refused naming file and column", async () => {
  for (
    const [file, type] of [["interval", "INTERVAL"], ["variant", "VARIANT"]]
  ) {
    await assert.rejects(
      () => resolveSource({ name: "t", source: `${dir}/${file}.parquet` }),
      (err: Error) => {
        assert.equal(
          err.message,
          `cannot read source of dataset "t": ${file}.parquet: column "v" is a parquet ${type}, which is not served`,
        );
        return true;
      },
    );
  }
});
