/** The client methods the data explorer relies on: profile, abortable requests and GET-form URLs. */
import assert from "node:assert/strict";
import { DataPressClient } from "../../client/mod.ts";
import { createApp } from "../../server/app.ts";
import { defaultConfig } from "../../server/config.ts";
import { datasetFromArg } from "../../server/dataset_config.ts";
import { FIXTURE_ROWS, writeFixture } from "../_shared/fixture.ts";

Deno.test("client: profile, an aborted request, and the GET form's URL", async () => {
  const app = await createApp({
    ...defaultConfig(),
    port: 0,
    kv: ":memory:",
    datasets: [{ ...datasetFromArg(await writeFixture(), 0), name: "f x" }],
  });
  await app.loadAll();
  const server = app.listen();
  try {
    const c = new DataPressClient(await server.url);
    const p = await c.profile("f x", "severity");
    assert.equal(p.rows, FIXTURE_ROWS);
    assert.deepEqual(p.top.map((t) => t.value), [1, 2, 3, 4]);
    assert.equal(p.histogram?.length, 4);

    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(
      c.queryJson("f x", {}, { signal: aborted.signal }),
      (e: Error) => e.name === "AbortError",
    );

    const url = new URL(
      c.queryUrl("f x", { columns: ["id"], limit: 5 }, "csv"),
    );
    assert.equal(url.pathname, "/api/v1/datasets/f%20x/query");
    assert.equal(url.searchParams.get("format"), "csv");
    assert.deepEqual(JSON.parse(url.searchParams.get("q")!), {
      columns: ["id"],
      limit: 5,
    });
  } finally {
    await server.shutdown();
    await app.close();
  }
});
