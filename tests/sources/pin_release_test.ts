/**
 * The DuckDB engine hard-links a version's files into a private folder so a
 * writer replacing them cannot disturb it. Those links must go when the
 * version is replaced or the app closes; otherwise every reload keeps the
 * old files' disk space (and a folder in the temp dir) forever.
 */
import assert from "node:assert/strict";
import { createApp } from "../../server/app.ts";
import { defaultConfig } from "../../server/config.ts";
import { datasetFromArg } from "../../server/dataset_config.ts";
import { openDuck } from "./_duck.ts";
import { writeCommit, writeDataFile } from "./_delta_table.ts";

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

/** Whether `path` disappears within two seconds (a replaced version closes in the background). */
async function vanishes(path: string): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    if (!await exists(path)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

Deno.test("duckdb releases the pinned links of replaced and closed versions", async () => {
  const root = await Deno.makeTempDir({ prefix: "datapress-pins-" });
  const duck = await openDuck();
  const app = await createApp({
    ...defaultConfig(),
    backend: "duckdb",
    kv: ":memory:",
    // No grace: a replaced version closes as soon as its requests end.
    version_grace_secs: 0,
    datasets: [{ ...datasetFromArg(root, 0), name: "t" }],
  }, { adminToken: "s3cret" });
  let closed = false;
  try {
    await writeDataFile(duck, root, "a.parquet", "SELECT 1::BIGINT AS id");
    await writeCommit(root, 0, [{ add: { path: "a.parquet" } }], {
      columns: [["id", "long"]],
    });
    await app.loadAll();
    const pinned = () =>
      app.ctx.registry.entries.get("t")!.current!.ds.source.files.map((f) =>
        f.path
      );
    const first = pinned();
    assert.ok(!first.includes(`${root}/a.parquet`), "the engine pins links");

    await writeDataFile(duck, root, "b.parquet", "SELECT 2::BIGINT AS id");
    await writeCommit(root, 1, [{ add: { path: "b.parquet" } }, {
      remove: "a.parquet",
    }]);
    const res = await app.handler(
      new Request("http://local/api/v1/datasets/t/reload", {
        method: "POST",
        headers: { "x-admin-token": "s3cret" },
      }),
    );
    assert.equal(res.status, 200, await res.text());
    const second = pinned();
    for (const p of second) assert.ok(await exists(p));
    for (const p of first) {
      assert.ok(await vanishes(p), "the replaced version's links are removed");
    }

    closed = true;
    await app.close();
    for (const p of second) {
      assert.ok(!await exists(p), "closing the app removes the live links");
    }
  } finally {
    duck.close();
    if (!closed) await app.close();
    await Deno.remove(root, { recursive: true });
  }
});
