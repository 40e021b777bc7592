/** The embeddable server of mod.ts, used as a program would use it. */
import assert from "node:assert/strict";
import {
  ConfigError,
  DataPressClient,
  DataPressHTTPError,
  serve,
  SourceError,
} from "../mod.ts";
import { writeFixture } from "./_shared/fixture.ts";

Deno.test("mod.ts: serve, query through the client, reload, close", async () => {
  const source = await writeFixture(200);
  const server = await serve({
    kv: ":memory:",
    prefix: "/dp",
    datasets: [{ name: "sales", source }],
  });
  let closed = false;
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/dp$/);
    assert.notEqual(server.config.port, 8000);
    const dp = new DataPressClient(server.url);
    assert.deepEqual(await dp.datasets(), ["sales"]);
    const page = await dp.queryJson("sales", { columns: ["id"], page_size: 2 });
    assert.deepEqual(page.rows, [{ id: 0 }, { id: 1 }]);
    await assert.rejects(
      () => dp.queryJson("sales", { columns: ["nope"] }),
      DataPressHTTPError,
    );

    // New data replaces the file (a new inode, as writers should).
    await Deno.rename(await writeFixture(150), source);
    const reloaded = await server.reload("sales");
    assert.equal(reloaded.dataset, "sales");
    assert.equal(reloaded.rows, 150);
    assert.ok(reloaded.version > page.version);
    assert.equal(await dp.count("sales"), 150);
    await assert.rejects(
      () => server.reload("nope"),
      /no dataset named "nope"/,
    );

    await server.close();
    closed = true;
    await assert.rejects(() => fetch(`${server.url}/health`));
  } finally {
    if (!closed) await server.close();
  }
});

Deno.test("mod.ts: a bad config or source is refused, naming it", async () => {
  await assert.rejects(
    () => serve({ kv: ":memory:", prot: 1, datasets: [] } as never),
    (e) => e instanceof ConfigError && /prot/.test(e.message),
  );
  await assert.rejects(
    () =>
      serve({
        kv: ":memory:",
        datasets: [{ name: "gone", source: "/nonexistent/x.parquet" }],
      }),
    (e) => e instanceof SourceError && /gone/.test(e.message),
  );
});
