import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { testApp } from "./_app.ts";

/** Writes `rows` rows whose `v` column equals `version`, so an answer shows which version served it. */
async function writeVersion(
  path: string,
  rows: number,
  version: number,
): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run(
    `COPY (SELECT range AS id, ${version} AS v FROM range(${rows})) TO '${path}.tmp' (FORMAT parquet)`,
  );
  c.closeSync();
  db.closeSync();
  await Deno.rename(`${path}.tmp`, path);
}

Deno.test("reload swaps atomically under concurrent queries; a failed reload keeps serving", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/data.parquet`;
  await writeVersion(path, 1000, 1);
  const t = await testApp({}, path, "s3cret");
  try {
    assert.equal(
      (await t.call("POST", "/api/v1/datasets/fx/reload", undefined, {
        "x-admin-token": "wrong",
      })).status,
      401,
    );
    let stop = false;
    const seen = new Set<number>();
    const readers = Array.from({ length: 6 }, async () => {
      while (!stop) {
        // A cached answer resolves without I/O: yield so the reloads run.
        await new Promise((r) => setTimeout(r, 0));
        const res = await t.call("POST", "/api/v1/datasets/fx/query", {
          columns: ["v"],
          page_size: 1000,
        });
        assert.equal(res.status, 200);
        const body = await res.json();
        const values = new Set(body.rows.map((r: { v: number }) => r.v));
        assert.equal(values.size, 1, "a page never mixes versions");
        assert.equal(
          [...values][0],
          body.version,
          "rows match the version the answer reports",
        );
        seen.add(body.version);
      }
    });
    for (let v = 2; v <= 4; v++) {
      await writeVersion(path, 1000 + v, v);
      const res = await t.call(
        "POST",
        "/api/v1/datasets/fx/reload",
        undefined,
        { "x-admin-token": "s3cret" },
      );
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.version, v);
      assert.equal(body.rows, 1000 + v);
      await new Promise((r) => setTimeout(r, 50));
    }
    stop = true;
    await Promise.all(readers);
    assert.ok(seen.size >= 2, `queries saw versions ${[...seen]}`);

    await Deno.writeTextFile(path, "not parquet");
    const failed = await t.call(
      "POST",
      "/api/v1/datasets/fx/reload",
      undefined,
      { "x-admin-token": "s3cret" },
    );
    assert.equal(failed.status, 502);
    const err = await failed.json();
    assert.doesNotMatch(err.error.message, new RegExp(dir));
    const still = await (await t.call("POST", "/api/v1/datasets/fx/count", {}))
      .json();
    assert.equal(still.count, 1004);
  } finally {
    await t.close();
  }
});

Deno.test("KV versions stay monotonic across restarts", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/data.parquet`;
  const kv = `${dir}/kv.sqlite3`;
  await writeVersion(path, 10, 1);
  const first = await testApp({ kv }, path);
  assert.equal(first.app.ctx.registry.entries.get("fx")!.current!.version, 1);
  await first.close();
  const same = await testApp({ kv }, path);
  assert.equal(
    same.app.ctx.registry.entries.get("fx")!.current!.version,
    1,
    "unchanged data keeps its version",
  );
  await same.close();
  await writeVersion(path, 11, 2);
  const changed = await testApp({ kv }, path);
  assert.equal(changed.app.ctx.registry.entries.get("fx")!.current!.version, 2);
  const meta = await changed.app.ctx.store.get("fx");
  assert.equal(meta?.rows, 11);
  assert.equal(meta?.last_reload?.outcome, "ok");
  await changed.close();
});

Deno.test("reload_interval_secs reloads when the source changes, and only then", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/data.parquet`;
  await writeVersion(path, 10, 1);
  const polled = await testApp({
    datasets: [{
      name: "fx",
      source: path,
      mode: "auto",
      description: "",
      index_columns: [],
      index_max_cardinality: 100_000,
      reload_interval_secs: 1,
    }],
  }, path);
  try {
    const version = () =>
      polled.app.ctx.registry.entries.get("fx")!.current!.version;
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(version(), 1, "an unchanged source is not reloaded");
    await writeVersion(path, 12, 2);
    for (let i = 0; i < 40 && version() === 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(version(), 2);
    const count =
      await (await polled.call("POST", "/api/v1/datasets/fx/count", {})).json();
    assert.equal(count.count, 12);
  } finally {
    await polled.close();
  }
});
