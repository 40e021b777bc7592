/**
 * The 2,000,000-row file the explorer's scroll and speed tests open,
 * written once by DuckDB and kept under .datapress/ (git ignores it).
 */
import { DuckDBInstance } from "@duckdb/node-api";

export const BIG_ROWS = 2_000_000;

const DIR = new URL("../../.datapress/e2e-data/", import.meta.url).pathname;
/** The name carries the row count and a shape version: change either, get a new file. */
const PATH = `${DIR}big-${BIG_ROWS}-v1.parquet`;

export async function bigFile(): Promise<string> {
  if (await Deno.stat(PATH).then(() => true, () => false)) return PATH;
  await Deno.mkdir(DIR, { recursive: true });
  const tmp = `${PATH}.${Deno.pid}.tmp`;
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    await c.run(`COPY (
      SELECT
        i::BIGINT AS id,
        'city ' || lpad((i * 7919 % 250)::VARCHAR, 3, '0') AS city,
        ['books','games','garden','music','outdoor','tools','toys','video'][1 + i % 8] AS category,
        (i * 2654435761 % 1000003) / 97.0 AS amount,
        (i % 13)::INTEGER AS qty,
        DATE '2020-01-01' + (i % 1461)::INTEGER AS day,
        TIMESTAMPTZ '2021-01-01 00:00:00+00' + to_seconds(i * 17) AS at,
        (i % 3 = 0) AS flag,
        CASE WHEN i % 10 = 0 THEN NULL
             WHEN i % 1000 = 1 THEN repeat('a long note that goes on ', 20) || i
             ELSE 'note ' || i END AS note,
        CASE WHEN i % 4 = 0 THEN NULL ELSE ['x', 'y' || (i % 5)] END AS tags
      FROM range(${BIG_ROWS}) t(i) ORDER BY i
    ) TO '${tmp}' (FORMAT parquet, ROW_GROUP_SIZE 250000)`);
  } finally {
    c.closeSync();
    db.closeSync();
  }
  await Deno.rename(tmp, PATH);
  return PATH;
}
