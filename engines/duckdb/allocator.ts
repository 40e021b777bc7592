/**
 * Handing memory that DuckDB and the process have freed back to the OS.
 *
 * A decode leaves hundreds of MB freed but still resident: DuckDB's chunks
 * go back to its jemalloc arenas, which purge them only after a decay
 * delay, and the decode's short-lived buffers leave holes in glibc's heap
 * that only `malloc_trim` returns. Both are released when a DuckDB
 * instance is destroyed (its `Allocator::FlushAll`: every jemalloc arena
 * purged, then `malloc_trim(0)`), but the decode's instance is destroyed
 * only once the collector finalizes the last of its results, seconds later
 * or never. Neither node-api nor DuckDB's C API offers the flush itself.
 */
import { DuckDBInstance } from "@duckdb/node-api";

/**
 * Returns freed allocator memory to the OS by destroying a throwaway
 * DuckDB instance. At 2M rows it took a loaded memory engine from 663–718
 * MB to 414–429 MB (bench/README.md). The flush holds the event loop for
 * 40–90 ms after a 2M-row load (100–250 ms at 20M): the same work the
 * decode's own instance would do whenever the collector destroyed it.
 * A worker thread does not avoid it: glibc's trim locks the arenas the
 * main thread allocates from (38–51 ms measured that way).
 */
export async function returnFreedMemory(): Promise<void> {
  const db = await DuckDBInstance.create(":memory:", { threads: "1" });
  db.closeSync();
}
