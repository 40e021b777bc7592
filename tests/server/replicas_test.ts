/**
 * Three replicas in their own processes on one shared KV file (API.md:
 * "Servers sharing one KV are replicas"): a reload on one is served by the
 * others, with the same version number, within 2 s; a replica started
 * after reloads it missed catches up and adopts the KV's version; a page
 * pinned to a version a replica has not followed yet is caught up with.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { type Replica, startReplica } from "../_shared/replica.ts";

const TOKEN = "s3cret";
const ENV = { ADMIN_TOKEN: TOKEN };

/** `100 + version` rows whose `v` is `version`, written aside and renamed in (as a writer publishes). */
async function writeVersion(path: string, version: number): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run(
    `COPY (SELECT range AS id, ${version} AS v FROM range(${
      100 + version
    })) TO '${path}.tmp' (FORMAT parquet)`,
  );
  c.closeSync();
  db.closeSync();
  await Deno.rename(`${path}.tmp`, path);
}

async function listed(r: Replica): Promise<number> {
  const res = await fetch(`${r.url}/api/v1/datasets`);
  const { datasets } = await res.json();
  return datasets[0].version;
}

/** The version a replica answers queries from, checked against the rows. */
async function served(r: Replica, version?: number): Promise<number> {
  const res = await fetch(`${r.url}/api/v1/datasets/fx/query`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ columns: ["v"], page_size: 500, version }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.returned, 100 + body.version, "row count of the version");
  for (const row of body.rows) assert.equal(row.v, body.version);
  return body.version;
}

async function reload(r: Replica): Promise<number> {
  const res = await fetch(`${r.url}/api/v1/datasets/fx/reload`, {
    method: "POST",
    headers: { "x-admin-token": TOKEN },
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.version;
}

/** Milliseconds until `r` lists and serves `version` (fails past `limitMs`). */
async function waitFor(
  r: Replica,
  version: number,
  limitMs: number,
): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await listed(r) === version && await served(r) === version) {
      return performance.now() - started;
    }
    const waited = performance.now() - started;
    assert.ok(waited < limitMs, `replica still behind after ${waited} ms`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

Deno.test("replicas on one KV file follow each other's reloads within 2 s", async () => {
  const dir = await Deno.makeTempDir({ prefix: "datapress-replicas-" });
  const path = `${dir}/fx.parquet`;
  await writeVersion(path, 1);
  const args = [`fx=${path}`, "--kv", `${dir}/kv.sqlite3`];
  const replicas: Replica[] = [];
  try {
    replicas.push(
      ...await Promise.all([1, 2, 3].map(() => startReplica(args, ENV))),
    );
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    for (const r of replicas) assert.equal(await served(r), 1);

    // A reload on A: B and C serve the new rows and version within 2 s.
    await writeVersion(path, 2);
    assert.equal(await reload(a), 2);
    for (const r of [b, c]) await waitFor(r, 2, 2_000);
    // B follows; its own reload of the same data keeps the version.
    assert.equal(await reload(b), 2);

    // C is down while B reloads twice; A follows.
    await c.stop();
    await writeVersion(path, 3);
    assert.equal(await reload(b), 3);
    await waitFor(a, 3, 2_000);
    await writeVersion(path, 4);
    assert.equal(await reload(b), 4);
    await waitFor(a, 4, 2_000);
    // A page pinned to the version A replaced still comes from it; the
    // one before is gone (only one replaced version is kept).
    assert.equal(await served(a, 3), 3);
    const gone = await fetch(`${a.url}/api/v1/datasets/fx/count`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ version: 2 }),
    });
    assert.equal(gone.status, 409);
    assert.equal((await gone.json()).error.current_version, 4);

    // C comes back: it adopts version 4 (same data, same version) and
    // bumps nothing.
    const c2 = await startReplica(args, ENV);
    replicas.push(c2);
    assert.equal(await listed(c2), 4);
    assert.equal(await served(c2), 4);
    await new Promise((res) => setTimeout(res, 600));
    for (const r of [a, b]) assert.equal(await listed(r), 4);

    // A page pinned to a version A has not followed yet: A catches up
    // before answering instead of refusing it.
    await writeVersion(path, 5);
    assert.equal(await reload(c2), 5);
    assert.equal(await served(a, 5), 5);
    await waitFor(b, 5, 2_000);
    for (const r of [a, b, c2]) {
      assert.doesNotMatch(r.stderr(), /"level":"(warn|error)"/, r.stderr());
    }
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
  }
});
