/**
 * Version pinning (API.md, Query body `version`) on both engines: a page
 * pinned to the version before a reload gets that version's rows or a 409
 * `version_changed` naming the current version, never another version's
 * rows.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import type { ServerConfig } from "../../server/config.ts";
import { type TestApp, testApp } from "./_app.ts";

const TOKEN = "s3cret";
const ROWS = 2_000;

/** `rows` rows whose `v` is `version` and `s` a mostly-distinct string (so a memory copy is sizeable). */
async function writeVersion(path: string, version: number, rows = ROWS) {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run(
    `COPY (SELECT range AS id, ${version} AS v, md5(range::VARCHAR || '${version}') AS s FROM range(${rows})) TO '${path}.tmp' (FORMAT parquet)`,
  );
  c.closeSync();
  db.closeSync();
  await Deno.rename(`${path}.tmp`, path);
}

async function start(overrides: Partial<ServerConfig>) {
  const path = `${await Deno.makeTempDir()}/data.parquet`;
  await writeVersion(path, 1);
  const t = await testApp(overrides, path, TOKEN);
  return { t, path };
}

async function reload(t: TestApp, path: string, version: number) {
  await writeVersion(path, version);
  const res = await t.call("POST", "/api/v1/datasets/fx/reload", undefined, {
    "x-admin-token": TOKEN,
  });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).version, version);
}

function page(t: TestApp, n: number, version?: number) {
  return t.call("POST", "/api/v1/datasets/fx/query", {
    columns: ["id", "v"],
    page: n,
    page_size: 100,
    version,
  });
}

/** A pinned page's rows all carry the version it asked for. */
async function assertPinned(res: Response, version: number, from: number) {
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.version, version);
  assert.ok(body.rows.length > 0);
  for (const r of body.rows) assert.equal(r.v, version);
  assert.equal(body.rows[0].id, from);
}

async function assertChanged(res: Response, current: number) {
  assert.equal(res.status, 409);
  const { error } = await res.json();
  assert.equal(error.code, "version_changed");
  assert.equal(error.current_version, current);
  assert.equal(error.path, "version");
  assert.match(error.message, new RegExp(`current version is ${current}`));
}

for (const backend of ["duckdb", "memory"] as const) {
  Deno.test(`${backend}: a page pinned to the replaced version answers from it within the grace`, async () => {
    const { t, path } = await start({ backend });
    try {
      const first = await (await page(t, 1)).json();
      assert.equal(first.version, 1);
      await reload(t, path, 2);
      await assertPinned(await page(t, 2, 1), 1, 100);
      const count = await t.call("POST", "/api/v1/datasets/fx/count", {
        predicates: [{ col: "v", op: "eq", val: 1 }],
        version: 1,
      });
      assert.deepEqual(await count.json(), { count: ROWS, version: 1 });
      // Unpinned and pinned-to-current requests see the new version.
      await assertPinned(await page(t, 1), 2, 0);
      await assertPinned(await page(t, 1, 2), 2, 0);
      // ETags name the version answered.
      const a = (await page(t, 3, 1)).headers.get("etag");
      const b = (await page(t, 3, 2)).headers.get("etag");
      assert.ok(a && b && a !== b);
      // A reload of the same data keeps version 2, and 1 stays pinnable.
      const same = await t.call(
        "POST",
        "/api/v1/datasets/fx/reload",
        undefined,
        {
          "x-admin-token": TOKEN,
        },
      );
      assert.equal((await same.json()).version, 2);
      await assertPinned(await page(t, 2, 1), 1, 100);
      // Only the previous version is kept: after a second reload 1 is gone.
      await reload(t, path, 3);
      await assertPinned(await page(t, 2, 2), 2, 100);
      await assertChanged(await page(t, 2, 1), 3);
    } finally {
      await t.close();
    }
  });

  Deno.test(`${backend}: version_grace_secs 0 closes the replaced version at once`, async () => {
    const { t, path } = await start({ backend, version_grace_secs: 0 });
    try {
      await reload(t, path, 2);
      await assertChanged(await page(t, 2, 1), 2);
    } finally {
      await t.close();
    }
  });
}

Deno.test("the replaced version is closed when its grace ends", async () => {
  const { t, path } = await start({ version_grace_secs: 1 });
  try {
    await reload(t, path, 2);
    await assertPinned(await page(t, 2, 1), 1, 100);
    await new Promise((r) => setTimeout(r, 1_300));
    await assertChanged(await page(t, 2, 1), 2);
    assert.equal(t.app.ctx.registry.entries.get("fx")!.previous, null);
  } finally {
    await t.close();
  }
});

Deno.test("memory: the old copy is kept only if both fit in memory_limit_bytes", async () => {
  const probe = await start({ backend: "memory" });
  const p = probe.t.app.ctx.registry.entries.get("fx")!.current!;
  const held = probe.t.app.ctx.engine.heldBytes(p.ds);
  await probe.t.close();
  assert.ok(held > ROWS * 40, `a copy holds ${held} bytes`);
  // Room for one copy (the load's own estimate included), not for two.
  const { t, path } = await start({
    backend: "memory",
    memory_limit_bytes: Math.floor(held * 1.6),
  });
  try {
    const first = await (await page(t, 1)).json();
    assert.equal(first.version, 1);
    await reload(t, path, 2);
    await assertChanged(await page(t, 2, 1), 2);
    await assertPinned(await page(t, 2, 2), 2, 100);
  } finally {
    await t.close();
  }
});

Deno.test("a version never served is a 409 at once; a bad version is a 400", async () => {
  const { t } = await start({});
  try {
    const started = performance.now();
    await assertChanged(await page(t, 1, 7), 1);
    assert.ok(
      performance.now() - started < 1_000,
      "no wait for a version the KV never had",
    );
    for (const bad of [0, -1, 1.5, "1", true]) {
      for (const route of ["query", "count"]) {
        const res = await t.call("POST", `/api/v1/datasets/fx/${route}`, {
          version: bad,
        });
        assert.equal(res.status, 400, `${route} version ${bad}`);
        const { error } = await res.json();
        assert.equal(error.path, "version");
      }
    }
  } finally {
    await t.close();
  }
});
