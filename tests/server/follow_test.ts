/**
 * The follower's failure paths, in-process on real KV files: a KV that
 * stops answering leaves the served versions live and counts one outage
 * however many polls fail; a replica that reads other data than the KV's
 * version refuses to follow it instead of bumping versions back and forth.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { POLL_MS } from "../../server/follow.ts";
import { testApp } from "../http/_app.ts";

async function writeRows(path: string, rows: number): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run(
    `COPY (SELECT range AS id FROM range(${rows})) TO '${path}' (FORMAT parquet)`,
  );
  c.closeSync();
  db.closeSync();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("KV unreachable: the last versions stay served and the outage counts once", async () => {
  const dir = await Deno.makeTempDir();
  await writeRows(`${dir}/fx.parquet`, 10);
  const t = await testApp({ kv: `${dir}/kv.sqlite3` }, `${dir}/fx.parquet`);
  try {
    assert.equal(t.app.ctx.follower.reachable, true);
    // Every KV call fails from now on, as it does when the KV is gone.
    t.app.ctx.store.kv.close();
    await sleep(POLL_MS * 4);
    assert.equal(t.app.ctx.follower.reachable, false);
    assert.equal(t.app.ctx.follower.outages, 1, "one outage, not one per poll");
    const res = await t.call("POST", "/api/v1/datasets/fx/count", {});
    assert.deepEqual(await res.json(), { count: 10, version: 1 });
  } finally {
    // The KV handle is already closed: only that part of close may fail.
    await t.close().catch((e) => assert.match(String(e), /Bad resource/));
  }
});

Deno.test("a replica reading other data than the KV's version refuses to follow it", async () => {
  const dir = await Deno.makeTempDir();
  const kv = `${dir}/kv.sqlite3`;
  await writeRows(`${dir}/a.parquet`, 10);
  await writeRows(`${dir}/b.parquet`, 20);
  const a = await testApp({ kv }, `${dir}/a.parquet`);
  // Same dataset name, other files: B records a version of its own.
  const b = await testApp({ kv }, `${dir}/b.parquet`);
  try {
    const version = (t: typeof a) =>
      t.app.ctx.registry.entries.get("fx")!.current!.version;
    assert.equal(version(a), 1);
    assert.equal(version(b), 2);
    await sleep(POLL_MS * 6);
    assert.equal(version(a), 1, "A keeps serving its own data");
    assert.equal((await a.app.ctx.store.get("fx"))?.version, 2, "no ping-pong");
    const res = await a.call("POST", "/api/v1/datasets/fx/count", {});
    assert.deepEqual(await res.json(), { count: 10, version: 1 });
  } finally {
    await a.close();
    await b.close();
  }
});
