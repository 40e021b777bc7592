/** A small parquet file with every common column type, written by DuckDB for tests. */
import { DuckDBInstance } from "@duckdb/node-api";

export const FIXTURE_ROWS = 500;

/** Writes the fixture into a new temp dir and returns its path. */
export async function writeFixture(
  rows = FIXTURE_ROWS,
  extraSql = "",
): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "datapress-test-" });
  const path = `${dir}/fixture.parquet`;
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run(`COPY (
    SELECT
      i::BIGINT AS id,
      CASE WHEN i % 7 = 0 THEN NULL ELSE ['TX','CA','NY','Zürich','日本'][1 + i % 5] END AS state,
      CASE WHEN i % 11 = 0 THEN NULL WHEN i % 13 = 0 THEN 'NaN'::DOUBLE ELSE (i % 50) * 1.5 - 20 END AS score,
      (i % 4 + 1)::TINYINT AS severity,
      DATE '2020-01-01' + (i % 400)::INTEGER AS day,
      CASE WHEN i % 9 = 0 THEN NULL ELSE TIMESTAMPTZ '2021-06-01 00:00:00+00' + to_seconds(i * 3607) END AS at,
      (i % 3 = 0) AS flag,
      (9007199254740993 + i)::BIGINT AS big,
      ((i % 100) / 4)::DECIMAL(10,2) AS price,
      ('\\x' || lpad(to_hex(i % 256), 2, '0'))::BLOB AS raw,
      CASE WHEN i % 5 = 0 THEN NULL ELSE ['a', 'b_' || (i % 3)] END AS tags
      ${extraSql}
    FROM range(${rows}) t(i) ORDER BY i
  ) TO '${path}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  return path;
}
