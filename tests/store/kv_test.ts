/**
 * The catalogue epoch: bumped with every version change (and only then),
 * seen by a second handle on the same KV file, and a prefix scan returns
 * every dataset entry, whatever their number.
 */
import assert from "node:assert/strict";
import { MetaStore } from "../../store/kv.ts";

const load = (fingerprint: string) => ({
  rows: 1,
  schema_hash: "s",
  fingerprint,
  source_version: null,
});
const ok = {
  outcome: "ok" as const,
  at: "2026-01-01T00:00:00Z",
  elapsed_ms: 1,
};

Deno.test("the epoch moves with every version change and only then", async () => {
  const path = `${await Deno.makeTempDir()}/kv.sqlite3`;
  const a = await MetaStore.open(path);
  const b = await MetaStore.open(path);
  try {
    assert.equal(await b.epoch(), 0n);
    assert.equal((await a.recordLoad("x", load("f1"), ok)).version, 1);
    assert.equal(await b.epoch(), 1n);
    // The same data again: same version, no bump.
    assert.equal((await b.recordLoad("x", load("f1"), ok)).version, 1);
    assert.equal(await a.epoch(), 1n);
    assert.equal((await b.recordLoad("x", load("f2"), ok)).version, 2);
    assert.equal(await a.epoch(), 2n);
    await a.recordFailure("x", { ...ok, outcome: "error", message: "boom" });
    assert.equal(await a.epoch(), 2n, "a failed reload changes no version");
    assert.equal((await a.get("x"))?.version, 2);
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("all() scans 1,000 entries in one call", async () => {
  const store = await MetaStore.open(":memory:");
  try {
    await Promise.all(
      Array.from(
        { length: 1000 },
        (_, i) => store.recordLoad(`d${i}`, load(`f${i}`), ok),
      ),
    );
    const all = await store.all();
    assert.equal(all.size, 1000);
    assert.equal(all.get("d999")?.fingerprint, "f999");
    assert.equal(await store.epoch(), 1000n);
  } finally {
    store.close();
  }
});

Deno.test("concurrent writers of new versions all land and each bumps the epoch", async () => {
  const path = `${await Deno.makeTempDir()}/kv.sqlite3`;
  const stores = await Promise.all([1, 2, 3].map(() => MetaStore.open(path)));
  try {
    await Promise.all(
      stores.map((s, i) => s.recordLoad("x", load(`f${i}`), ok)),
    );
    const meta = await stores[0]!.get("x");
    assert.equal(meta?.version, 3, "three different contents: three versions");
    assert.equal(await stores[1]!.epoch(), 3n);
  } finally {
    for (const s of stores) s.close();
  }
});
