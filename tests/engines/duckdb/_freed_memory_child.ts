/**
 * Run by allocator_test.ts with --expose-gc: frees a large DuckDB result,
 * then prints resident memory before and after returnFreedMemory().
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { returnFreedMemory } from "../../../engines/duckdb/mod.ts";

const rssMb = () =>
  Number(
    /VmRSS:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/self/status"))![1],
  ) / 1024;
const gc = (globalThis as unknown as { gc: () => void }).gc;

const db = await DuckDBInstance.create(":memory:", { threads: "1" });
const conn = await db.connect();
async function readAndDrop(): Promise<number> {
  const result = await conn.runAndReadAll(
    "SELECT repeat('x', 40) || i AS s FROM range(3000000) t(i)",
  );
  return result.currentRowCount;
}
const rows = await readAndDrop();
const heldMb = rssMb();
// The result's chunks are freed by their finalizers, into DuckDB's allocator.
gc();
await new Promise((r) => setTimeout(r, 100));
gc();
const freedMb = rssMb();
await returnFreedMemory();
console.log(JSON.stringify({ rows, heldMb, freedMb, returnedMb: rssMb() }));
conn.closeSync();
db.closeSync();
