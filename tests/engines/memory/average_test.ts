import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { duckAverage } from "../../../engines/memory/average.ts";
import type { DataType } from "../../../data/types.ts";

/** DuckDB type, our type, and the SQL of a value from `n` (a non-negative HUGEINT) and `sgn` (±1). */
const TYPES: [string, DataType, string][] = [
  [
    "TINYINT",
    { kind: "int", bits: 8, signed: true },
    "(n % 128 * sgn)::TINYINT",
  ],
  [
    "SMALLINT",
    { kind: "int", bits: 16, signed: true },
    "(n % 32768 * sgn)::SMALLINT",
  ],
  [
    "INTEGER",
    { kind: "int", bits: 32, signed: true },
    "(n % 2147483648 * sgn)::INTEGER",
  ],
  ["BIGINT", { kind: "int", bits: 64, signed: true }, "(n * sgn)::BIGINT"],
  [
    "UINTEGER",
    { kind: "int", bits: 32, signed: false },
    "(n % 4294967296)::UINTEGER",
  ],
  ...([[4, 2], [18, 3], [38, 10]] as const).map(([p, sc]) =>
    [
      `DECIMAL(${p},${sc})`,
      { kind: "decimal", precision: p, scale: sc },
      `CAST(CAST(n % 1${
        "0".repeat(Math.min(p, 30))
      } * sgn AS DECIMAL(38,0)) * CAST('0.${"0".repeat(sc - 1)}1' AS DECIMAL(${
        sc + 1
      },${sc})) AS DECIMAL(${p},${sc}))`,
    ] as [string, DataType, string]
  ),
];

Deno.test("avg of integers and decimals rounds exactly as DuckDB's", async () => {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    for (const [sql, type, value] of TYPES) {
      // Values spread over the whole type (hash-based, so deterministic),
      // in groups of different sizes so quotients land everywhere.
      const rows = (await c.runAndReadAll(
        `SELECT avg(v)::DOUBLE, sum(v)::VARCHAR, count(v)::BIGINT
         FROM (SELECT g, ${value} AS v
               FROM (SELECT i % 997 AS g, (hash(i) >> 1)::HUGEINT AS n,
                       CASE WHEN i % 3 = 0 THEN -1 ELSE 1 END AS sgn
                     FROM range(40000) t(i)))
         GROUP BY g`,
      )).getRows();
      let compared = 0;
      for (const [avg, sum, count] of rows) {
        if (avg === null) continue;
        const unscaled = type.kind === "decimal"
          ? BigInt(String(sum).replace(".", ""))
          : BigInt(String(sum));
        assert.equal(
          duckAverage(unscaled, Number(count), type),
          avg,
          `${sql}: sum ${sum} count ${count}`,
        );
        compared++;
      }
      assert.ok(compared > 900, `${sql}: ${compared} groups compared`);
    }
  } finally {
    c.closeSync();
    db.closeSync();
  }
});
