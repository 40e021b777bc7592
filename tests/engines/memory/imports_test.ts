/**
 * The memory engine uses DuckDB only through the public decodeColumns of
 * engines/duckdb/mod.ts: no file of engines/memory imports DuckDB itself or
 * any other file of engines/duckdb.
 */
import assert from "node:assert/strict";

const DIR = new URL("../../../engines/memory/", import.meta.url);

Deno.test("engines/memory imports DuckDB only through ../duckdb/mod.ts", async () => {
  const offending: string[] = [];
  let files = 0;
  for await (const e of Deno.readDir(DIR)) {
    if (!e.isFile || !e.name.endsWith(".ts")) continue;
    files++;
    const text = await Deno.readTextFile(new URL(e.name, DIR));
    for (
      const m of text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)
    ) {
      const spec = m[1]!;
      if (spec.includes("duckdb") && spec !== "../duckdb/mod.ts") {
        offending.push(`${e.name}: ${spec}`);
      }
    }
  }
  assert.ok(files >= 5);
  assert.deepEqual(offending, []);
});
