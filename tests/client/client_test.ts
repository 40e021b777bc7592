import assert from "node:assert/strict";
import { DataPressClient, DataPressHTTPError } from "../../client/mod.ts";
import { createApp } from "../../server/app.ts";
import { defaultConfig } from "../../server/config.ts";
import { FIXTURE_ROWS, writeFixture } from "../_shared/fixture.ts";

async function withServer(fn: (c: DataPressClient) => Promise<void>) {
  const app = await createApp({
    ...defaultConfig(),
    port: 0,
    kv: ":memory:",
    datasets: [{
      name: "fx",
      source: await writeFixture(),
      mode: "auto",
      description: "fixture",
      index_columns: [],
      index_max_cardinality: 100_000,
    }],
  });
  await app.loadAll();
  const server = app.listen();
  try {
    await fn(new DataPressClient(await server.url));
  } finally {
    await server.shutdown();
    await app.close();
  }
}

Deno.test("client: every method against a real server", () =>
  withServer(async (c) => {
    assert.deepEqual(await c.healthz(), { status: "ok" });
    assert.deepEqual(await c.readyz(), { status: "ready", datasets: 1 });
    assert.deepEqual(await c.datasets(), ["fx"]);
    assert.equal((await c.datasetInfo())[0]!.description, "fixture");
    assert.equal((await c.schema("fx")).rows, FIXTURE_ROWS);
    assert.equal(await c.count("fx"), FIXTURE_ROWS);
    assert.equal(
      await c.count("fx", [{ col: "flag", op: "eq", val: true }]),
      Math.ceil(FIXTURE_ROWS / 3),
    );
    const body = {
      columns: ["id", "state", "severity"],
      predicates: [{ col: "id", op: "lt" as const, val: 50 }],
      page_size: 20,
    };
    const page = await c.queryJson("fx", body);
    assert.equal(page.returned, 20);
    const table = await c.query("fx", body);
    assert.deepEqual(
      table.toArray().map((r) => ({
        ...r.toJSON(),
        id: Number(r.toJSON().id),
      })),
      page.rows,
    );
  }));

Deno.test("client: queryAll walks pages until has_more is false", () =>
  withServer(async (c) => {
    const pages = [];
    for await (
      const p of c.queryAll("fx", {
        columns: ["id"],
        page_size: 64,
        limit: 300,
      })
    ) pages.push(p);
    assert.deepEqual(pages.map((p) => p.returned), [64, 64, 64, 64, 44]);
    const rows = await c.collectAll("fx", { columns: ["id"], page_size: 128 });
    assert.equal(rows.length, FIXTURE_ROWS);
    assert.deepEqual(rows.slice(0, 3), [{ id: 0 }, { id: 1 }, { id: 2 }]);
  }));

Deno.test("client: errors raise DataPressHTTPError with the server's payload", () =>
  withServer(async (c) => {
    const err = await c.queryJson("fx", { columns: ["nope"] }).catch((e) => e);
    assert.ok(err instanceof DataPressHTTPError);
    assert.equal(err.status, 400);
    assert.equal(err.payload?.error.code, "unknown_column");
    assert.equal(err.payload?.error.path, "columns[0]");
    assert.match(err.body, /unknown_column/);
    const missing = await c.schema("none").catch((e) => e);
    assert.equal(missing.status, 404);
  }));
