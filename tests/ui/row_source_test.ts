/** The grid's pager against a real app: pages on demand, pinned to one version, a 409 once it is gone. */
import assert from "node:assert/strict";
import { DataPressClient } from "../../client/mod.ts";
import { createApp } from "../../server/app.ts";
import { defaultConfig } from "../../server/config.ts";
import { datasetFromArg } from "../../server/dataset_config.ts";
import { isVersionChanged, PAGE_ROWS, RowSource } from "../../ui/row_source.ts";
import { writeFixture } from "../_shared/fixture.ts";

Deno.test("row source: first page and count, pages as asked, one version, a 409 after a reload", async () => {
  const path = await writeFixture(1000);
  const app = await createApp({
    ...defaultConfig(),
    kv: ":memory:",
    version_grace_secs: 0,
    datasets: [{ ...datasetFromArg(path, 0), name: "fx" }],
  }, { adminToken: "t" });
  await app.loadAll();
  const sent: { page?: number; version?: number }[] = [];
  const client = new DataPressClient("http://local", {
    fetch: async (input, init) => {
      const req = new Request(input, init);
      if (req.url.endsWith("/query")) sent.push(await req.clone().json());
      return app.handler(req);
    },
  });
  try {
    let changes = 0;
    const errors: unknown[] = [];
    const changed = () => new Promise<void>((r) => (wake = r));
    let wake = () => {};
    const src = new RowSource(client, "fx", { columns: ["id"] }, {
      onChange: () => {
        changes++;
        wake();
      },
      onError: (e) => {
        errors.push(e);
        wake();
      },
    });
    await src.start(new AbortController().signal);
    assert.deepEqual([src.total, src.exact, src.version], [1000, true, 1]);
    assert.equal(src.row(0)?.id, 0);
    assert.equal(src.row(PAGE_ROWS), undefined);

    const next = changed();
    src.want(450, 500);
    await next;
    assert.equal(src.row(450)?.id, 450);
    assert.deepEqual(sent.at(-1), {
      columns: ["id"],
      page: 3,
      page_size: PAGE_ROWS,
      version: 1,
    });

    await Deno.copyFile(await writeFixture(1200), path);
    const res = await app.handler(
      new Request("http://local/api/v1/datasets/fx/reload", {
        method: "POST",
        headers: { "x-admin-token": "t" },
      }),
    );
    assert.equal((await res.json()).version, 2);
    const failed = changed();
    src.want(900, 950);
    await failed;
    assert.equal(errors.length, 1);
    assert.ok(isVersionChanged(errors[0]));
    assert.ok(changes >= 2);
    src.close();

    // A grouped answer has no count: its total grows until the last page.
    const grouped = new RowSource(client, "fx", {
      group_by: ["id"],
      aggregations: [{ op: "count" }],
    }, { onChange: () => wake(), onError: (e) => errors.push(e) });
    await grouped.start(new AbortController().signal);
    assert.deepEqual([grouped.total, grouped.exact], [2 * PAGE_ROWS, false]);
    // Scrolling to the end of what is known reveals the next page.
    while (!grouped.exact) {
      const more = changed();
      grouped.want(grouped.total - 1, grouped.total);
      await more;
    }
    assert.equal(grouped.total, 1200);
    assert.equal(grouped.row(1199)?.id, 1199);
  } finally {
    await app.close();
  }
});
