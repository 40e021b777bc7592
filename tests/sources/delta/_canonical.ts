/**
 * Rows as DuckDB prints them, so expected rows (from the golden parquet the
 * source projects ship) and rows read through resolveDelta compare as text.
 * Zoned timestamps are shown in UTC without a zone: golden files store
 * Delta `timestamp` both as INT96 (no zone) and as UTC-adjusted micros.
 */
import type { DuckDBConnection } from "@duckdb/node-api";

export interface CanonicalRows {
  columns: string[];
  rows: (string | null)[][];
}

/** Sorted canonical rows of `select` (a query), only `columns` when given. */
export async function canonicalRows(
  conn: DuckDBConnection,
  select: string,
  params: unknown[] = [],
  columns?: string[],
): Promise<CanonicalRows> {
  await conn.run("SET TimeZone = 'UTC'");
  const described = await conn.runAndReadAll(
    `DESCRIBE ${select}`,
    params as never,
  );
  const types = new Map<string, string>();
  for (const row of described.getRowsJS()) {
    types.set(String(row[0]), String(row[1]));
  }
  const names = columns ?? [...types.keys()];
  const exprs = names.map((name) => {
    const type = types.get(name);
    if (type === undefined) {
      throw new Error(`column ${name} missing from ${select}`);
    }
    const col = `"${name.replaceAll('"', '""')}"`;
    const value = type === "TIMESTAMP WITH TIME ZONE"
      ? `CAST(${col} AS TIMESTAMP)`
      : col;
    return `CAST(${value} AS VARCHAR)`;
  });
  const reader = await conn.runAndReadAll(
    `SELECT ${exprs.join(", ")} FROM (${select})`,
    params as never,
  );
  const rows = reader.getRowsJS().map((row) =>
    row.map((v) => (v === null ? null : String(v)))
  );
  rows.sort((a, b) => {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return { columns: names, rows };
}
