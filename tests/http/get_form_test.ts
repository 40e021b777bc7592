/** GET .../query?q= and .../count?q= answer exactly as the POSTs do. */
import assert from "node:assert/strict";
import { testApp } from "./_app.ts";

const Q = {
  columns: ["id", "state", "score"],
  predicates: [{ col: "state", op: "in", val: ["TX", "Zürich"] }],
  order_by: [{ col: "score", dir: "desc" }],
  page: 2,
  page_size: 5,
};

const link = (route: string, body: unknown, extra = "") =>
  `/api/v1/datasets/fx/${route}?q=${
    encodeURIComponent(JSON.stringify(body))
  }${extra}`;

async function bytes(res: Response): Promise<Uint8Array> {
  return new Uint8Array(await res.arrayBuffer());
}

Deno.test("GET ?q= gives the POST's bytes, ETag and 304 in every format", async () => {
  const t = await testApp();
  try {
    for (const fmt of ["", "&format=json", "&format=arrow", "&format=csv"]) {
      const post = await t.call(
        "POST",
        `/api/v1/datasets/fx/query${fmt.replace("&", "?")}`,
        Q,
      );
      const get = await t.call("GET", link("query", Q, fmt));
      assert.equal(get.status, 200, fmt);
      assert.equal(
        get.headers.get("content-type"),
        post.headers.get("content-type"),
      );
      const tag = get.headers.get("etag");
      assert.ok(tag);
      assert.equal(tag, post.headers.get("etag"), fmt);
      assert.deepEqual(await bytes(get), await bytes(post), fmt);
      const cached = await t.call("GET", link("query", Q, fmt), undefined, {
        "if-none-match": tag,
      });
      assert.equal(cached.status, 304, fmt);
      await cached.body?.cancel();
    }
    const post = await t.call("POST", "/api/v1/datasets/fx/count", {
      predicates: Q.predicates,
    });
    const get = await t.call(
      "GET",
      link("count", { predicates: Q.predicates }),
    );
    assert.equal(get.headers.get("etag"), post.headers.get("etag"));
    assert.deepEqual(await get.json(), await post.json());
    // No q: every row, as a POST of {} gives.
    const all = await t.call("GET", "/api/v1/datasets/fx/count");
    assert.equal((await all.json()).count, 500);
    const page = await t.call("GET", "/api/v1/datasets/fx/query");
    assert.equal((await page.json()).returned, 500);
  } finally {
    await t.close();
  }
});

Deno.test("exports are attachments named after the dataset", async () => {
  const t = await testApp();
  try {
    for (const fmt of ["csv", "ndjson"]) {
      const res = await t.call(
        "GET",
        link("query", { limit: 3 }, `&format=${fmt}`),
      );
      assert.equal(res.status, 200);
      assert.equal(
        res.headers.get("content-disposition"),
        `attachment; filename="fx.${fmt}"`,
      );
      await res.body?.cancel();
    }
    const page = await t.call("GET", link("query", { page_size: 1 }));
    assert.equal(page.headers.get("content-disposition"), null);
    await page.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("a bad q is a 400 or 413 naming q; wrong methods list GET and POST", async () => {
  const t = await testApp({ max_body_bytes: 200 });
  try {
    const notJson = await t.call(
      "GET",
      "/api/v1/datasets/fx/query?q=%7Bcolumns",
    );
    assert.equal(notJson.status, 400);
    const e1 = (await notJson.json()).error;
    assert.equal(e1.code, "invalid_json");
    assert.equal(e1.path, "q");
    assert.match(e1.message, /query parameter q is not valid JSON/);

    const long = await t.call(
      "GET",
      link("count", {
        predicates: [{ col: "state", op: "eq", val: "x".repeat(300) }],
      }),
    );
    assert.equal(long.status, 413);
    const e2 = (await long.json()).error;
    assert.equal(e2.path, "q");
    assert.match(
      e2.message,
      /query parameter q is larger than max_body_bytes \(200 bytes\)/,
    );

    // The parsed request goes through the same validator as a body.
    const typo = await t.call("GET", link("query", { colums: ["id"] }));
    assert.equal(typo.status, 400);
    assert.equal((await typo.json()).error.path, "colums");

    const put = await t.call("PUT", "/api/v1/datasets/fx/query", {});
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "POST, GET");
    await put.body?.cancel();
    const getReload = await t.call("GET", "/api/v1/datasets/fx/reload");
    assert.equal(getReload.status, 405);
    assert.equal(getReload.headers.get("allow"), "POST");
    await getReload.body?.cancel();
  } finally {
    await t.close();
  }
});
