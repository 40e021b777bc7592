/**
 * Deterministic US-accidents-like parquet for the demo and the benchmarks.
 * The same row count always gives the same bytes, so figures compare across runs.
 *
 *   deno run -A demo/generate.ts bench/data/accidents.parquet 2000000
 */
import { dirname } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

const STATES = ["CA", "TX", "FL", "NY", "PA", "NC", "OR", "VA", "SC", "MN"];
const CITIES = [
  "Los Angeles",
  "Houston",
  "Miami",
  "New York",
  "Philadelphia",
  "Charlotte",
  "Portland",
  "Richmond",
  "Columbia",
  "Minneapolis",
  "Austin",
  "Dallas",
  "Orlando",
  "Buffalo",
  "Pittsburgh",
  "Raleigh",
  "Eugene",
  "Norfolk",
  "Charleston",
  "Saint Paul",
  "São Paulo Ave",
  "Zürich Rd",
];
const WEATHER = [
  "Clear",
  "Fair",
  "Cloudy",
  "Overcast",
  "Light Rain",
  "Rain",
  "Heavy Rain",
  "Snow",
  "Fog",
  "Haze",
  "Thunderstorm",
];

function list(values: string[]): string {
  return `[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(", ")}]`;
}

/** Writes `rows` rows of accidents-like data to `path` (zstd parquet, 122,880-row groups). */
export async function generateAccidents(
  path: string,
  rows: number,
): Promise<void> {
  if (!Number.isSafeInteger(rows) || rows < 1) {
    throw new Error(`rows must be a positive integer, got ${rows}`);
  }
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    // Hash-based pseudo-randomness keeps the output identical across runs and threads.
    const h = (salt: number) => `hash(i * 7919 + ${salt})`;
    const sql = `
      COPY (
        SELECT
          'A-' || (i + 1) AS ID,
          (1 + ${h(1)} % 4)::TINYINT AS Severity,
          TIMESTAMP '2016-01-01' + to_seconds((${
      h(2)
    } % 252460800)::BIGINT) AS Start_Time,
          TIMESTAMP '2016-01-01' + to_seconds((${
      h(2)
    } % 252460800)::BIGINT + 600 + (${h(3)} % 20000)::BIGINT) AS End_Time,
          (25.0 + (${h(4)} % 2300000) / 100000.0)::DOUBLE AS Start_Lat,
          (-124.0 + (${h(5)} % 5500000) / 100000.0)::DOUBLE AS Start_Lng,
          ((${h(6)} % 10000) / 1000.0)::DOUBLE AS "Distance(mi)",
          ${list(CITIES)}[1 + (${h(7)} % ${CITIES.length})::INTEGER] AS City,
          'County ' || (${h(8)} % 300) AS County,
          ${list(STATES)}[1 + (${h(9)} % ${STATES.length})::INTEGER] AS State,
          lpad(((${h(10)} % 99999) + 1)::VARCHAR, 5, '0') AS Zipcode,
          CASE WHEN ${h(11)} % 20 = 0 THEN NULL
               ELSE ${list(WEATHER)}[1 + (${
      h(11)
    } % ${WEATHER.length})::INTEGER] END AS Weather_Condition,
          CASE WHEN ${h(12)} % 10 = 0 THEN NULL
               ELSE round(-20.0 + (${
      h(12)
    } % 1200) / 10.0, 1)::DOUBLE END AS "Temperature(F)",
          (${h(13)} % 5 = 0) AS Traffic_Signal,
          (${h(14)} % 11 = 0) AS Junction,
          'Accident on ' || ${list(CITIES)}[1 + (${
      h(15)
    } % ${CITIES.length})::INTEGER]
            || ' at mile ' || (${h(16)} % 500) || '.' AS Description
        FROM range(${rows}) t(i)
        ORDER BY i
      ) TO '${
      path.replaceAll("'", "''")
    }' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`;
    await conn.run(sql);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

if (import.meta.main) {
  const [path = "bench/data/accidents.parquet", rows = "2000000"] = Deno.args;
  await Deno.mkdir(dirname(path), { recursive: true });
  const t = performance.now();
  await generateAccidents(path, Number(rows));
  const size = (await Deno.stat(path)).size;
  console.log(
    `wrote ${rows} rows to ${path} (${(size / 1e6).toFixed(1)} MB) in ${
      ((performance.now() - t) / 1000).toFixed(1)
    } s`,
  );
}
