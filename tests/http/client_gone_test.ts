/**
 * A client that goes away (an aborted fetch) stops the engine work of its
 * request at once: the DuckDB connection and the dataset lease come back
 * long before the query would have finished.
 */
import assert from "node:assert/strict";
import { createApp } from "../../server/app.ts";
import { defaultConfig } from "../../server/config.ts";
import { bigFile } from "../e2e/_big.ts";

/** Keeps one DuckDB thread busy for about a second or more. */
const SLOW = {
  group_by: ["note", "at", "amount"],
  aggregations: [{ op: "count" }, { op: "avg", col: "amount" }, {
    op: "max",
    col: "city",
  }],
  order_by: [{ col: "max_city", dir: "desc" }, {
    col: "avg_amount",
    dir: "desc",
  }],
};

Deno.test("an aborted fetch stops its query on the server at once", async () => {
  const app = await createApp({
    ...defaultConfig(),
    port: 0,
    workers: 1,
    kv: ":memory:",
    datasets: [{
      name: "big",
      source: await bigFile(),
      mode: "auto",
      description: "",
      index_columns: [],
      index_max_cardinality: 100_000,
    }],
  });
  await app.loadAll();
  const server = app.listen();
  const url = `${await server.url}/api/v1/datasets/big/query`;
  // Each call asks for another page: an answer cache must not answer it.
  let page = 0;
  const post = (signal?: AbortSignal) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...SLOW, page: ++page }),
      signal,
    });
  const busy = () =>
    app.ctx.engine.connectionsInUse() + app.ctx.registry.leasesHeld;
  try {
    const t0 = performance.now();
    await (await post()).arrayBuffer();
    const full = performance.now() - t0;

    const ctrl = new AbortController();
    const pending = post(ctrl.signal).catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(busy() > 0, "the query is running");
    ctrl.abort();
    const abortedAt = performance.now();
    await pending;
    while (busy() > 0) await new Promise((r) => setTimeout(r, 5));
    const freed = performance.now() - abortedAt;
    assert.ok(
      freed < Math.max(150, full / 3),
      `freed ${freed.toFixed(0)} ms after the abort; the whole query takes ${
        full.toFixed(0)
      } ms`,
    );
  } finally {
    await server.shutdown();
    await app.close();
  }
});
