/**
 * The client's pager against a real server on both engines: a reload
 * between two pages never mixes versions. Pages come from the first page's
 * version while the server keeps it; when it does not, queryAll throws
 * DataPressVersionChangedError, or restarts from page 1 when asked to.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  DataPressClient,
  DataPressVersionChangedError,
  type QueryPage,
} from "../../client/mod.ts";
import { createApp } from "../../server/app.ts";
import { defaultConfig, type ServerConfig } from "../../server/config.ts";
import { datasetFromArg } from "../../server/dataset_config.ts";

const TOKEN = "s3cret";
const BODY = { columns: ["id", "v"], page_size: 20 };

async function writeVersion(path: string, version: number, rows: number) {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run(
    `COPY (SELECT range AS id, ${version} AS v FROM range(${rows})) TO '${path}.tmp' (FORMAT parquet)`,
  );
  c.closeSync();
  db.closeSync();
  await Deno.rename(`${path}.tmp`, path);
}

async function withServer(
  overrides: Partial<ServerConfig>,
  fn: (c: DataPressClient, next: (v: number) => Promise<void>) => Promise<void>,
) {
  const path = `${await Deno.makeTempDir()}/fx.parquet`;
  await writeVersion(path, 1, 45);
  const app = await createApp({
    ...defaultConfig(),
    port: 0,
    kv: ":memory:",
    datasets: [datasetFromArg(`fx=${path}`, 0)],
    ...overrides,
  }, { adminToken: TOKEN });
  await app.loadAll();
  const server = app.listen();
  try {
    const c = new DataPressClient(await server.url);
    await fn(c, async (v) => {
      await writeVersion(path, v, 30 + v);
      assert.equal((await c.reload("fx", TOKEN)).version, v);
    });
  } finally {
    await server.shutdown();
    await app.close();
  }
}

/** Every row of every page carries the page's version. */
function assertOneVersion(pages: QueryPage[], version: number) {
  for (const p of pages) {
    assert.equal(p.version, version);
    for (const r of p.rows) assert.equal(r.v, version);
  }
}

for (const backend of ["duckdb", "memory"] as const) {
  Deno.test(`client (${backend}): pages after a reload still come from the first page's version`, () =>
    withServer({ backend }, async (c, reload) => {
      const pages: QueryPage[] = [];
      for await (const p of c.queryAll("fx", BODY)) {
        pages.push(p);
        if (pages.length === 1) await reload(2);
      }
      assert.deepEqual(pages.map((p) => p.returned), [20, 20, 5]);
      assertOneVersion(pages, 1);
      const rows = await c.collectAll("fx", BODY);
      assert.equal(rows.length, 32, "a new read starts at the new version");
    }));

  Deno.test(`client (${backend}): without the old version, a typed error or a restart`, () =>
    withServer({ backend, version_grace_secs: 0 }, async (c, reload) => {
      const pages: QueryPage[] = [];
      const err = await (async () => {
        for await (const p of c.queryAll("fx", BODY)) {
          pages.push(p);
          if (pages.length === 1) await reload(2);
        }
      })().catch((e) => e);
      assert.ok(err instanceof DataPressVersionChangedError, String(err));
      assert.equal(err.status, 409);
      assert.equal(err.version, 1);
      assert.equal(err.currentVersion, 2);
      assert.match(err.message, /changed from version 1 to 2/);
      assertOneVersion(pages, 1);
      assert.equal(pages.length, 1, "no page of version 2 was yielded");

      const restarted: QueryPage[] = [];
      for await (
        const p of c.queryAll("fx", BODY, { onVersionChange: "restart" })
      ) {
        restarted.push(p);
        if (restarted.length === 1) await reload(3);
      }
      assertOneVersion(restarted.slice(0, 1), 2);
      assertOneVersion(restarted.slice(1), 3);
      assert.deepEqual(restarted.map((p) => p.page), [1, 1, 2]);

      // collectAll with a reload after its first page: the rows read
      // before the restart are dropped.
      let queries = 0;
      const reloading = new DataPressClient(c.baseUrl, {
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          if (String(input).endsWith("/query") && ++queries === 1) {
            await reload(4);
          }
          return res;
        },
      });
      const rows = await reloading.collectAll("fx", BODY, {
        onVersionChange: "restart",
      });
      assert.equal(rows.length, 34);
      for (const r of rows) assert.equal(r.v, 4);
    }));
}
