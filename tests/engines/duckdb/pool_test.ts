/** The connection pool: a waiter that gives up leaves the queue at once. */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { ConnectionPool } from "../../../engines/duckdb/pool.ts";

Deno.test("pool: an aborted waiter leaves the queue and never takes a connection", async () => {
  const instance = await DuckDBInstance.create(":memory:");
  const pool = await ConnectionPool.create(instance, 1);
  try {
    const held = await pool.acquire(undefined);
    assert.equal(pool.inUse, 1);
    const gaveUp = new AbortController();
    const waiting = pool.acquire(gaveUp.signal);
    const next = pool.acquire(undefined);
    gaveUp.abort(new Error("client left"));
    await assert.rejects(waiting, /client left/);
    held.release();
    // The connection goes to the waiter still there, not the one that left.
    const lease = await next;
    assert.equal(pool.inUse, 1);
    lease.release();
    assert.equal(pool.inUse, 0);
  } finally {
    await pool.close();
    instance.closeSync();
  }
});
