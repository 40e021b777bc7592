/** DuckDB for tests: writes parquet trees and answers questions about them. */
import { DuckDBInstance } from "@duckdb/node-api";

export interface Duck {
  run(sql: string): Promise<void>;
  rows(sql: string): Promise<Record<string, unknown>[]>;
  close(): void;
}

export async function openDuck(): Promise<Duck> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  return {
    run: async (sql) => {
      await c.run(sql);
    },
    rows: async (sql) =>
      (await c.runAndReadAll(sql)).getRowObjectsJson() as Record<
        string,
        unknown
      >[],
    close: () => {
      c.closeSync();
      db.closeSync();
    },
  };
}

export function tempDir(): Promise<string> {
  return Deno.makeTempDir({ prefix: "datapress-sources-" });
}
