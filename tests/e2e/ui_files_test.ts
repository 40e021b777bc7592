/** The server's UI files: only a prebuilt bundle, and a clear 503 without one. */
import assert from "node:assert/strict";
import { uiFiles } from "../../server/static.ts";

async function bundleDir(files: Record<string, string>): Promise<URL> {
  const dir = await Deno.makeTempDir({ prefix: "datapress-ui-" });
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${dir}/${name}`, text);
  }
  return new URL(`file://${dir}/`);
}

Deno.test("ui files: a missing bundle is a 503 naming the task, logged once", async () => {
  const serve = uiFiles(await bundleDir({}));
  const logged: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    for (const path of ["/", "/ui/app.js", "/favicon.ico"]) {
      const res = await serve(path);
      assert.equal(res?.status, 503, path);
      assert.equal(res.headers.get("content-type"), "application/json");
      const { error } = await res.json();
      assert.equal(error.code, "ui_not_built");
      assert.match(error.message, /run `deno task ui`/);
    }
  } finally {
    console.error = original;
  }
  assert.equal(logged.length, 1);
  assert.equal(await serve("/api/nothing"), null);
});

Deno.test("ui files: the bundle's files by path, nothing else", async () => {
  const serve = uiFiles(
    await bundleDir({
      "index.html": "<!doctype html>",
      "app.js": "export {};",
      "favicon.svg": "<svg/>",
      ".hidden": "secret",
    }),
  );
  const types: Record<string, string> = {
    "/": "text/html; charset=utf-8",
    "/ui": "text/html; charset=utf-8",
    "/ui/": "text/html; charset=utf-8",
    "/ui/app.js": "text/javascript; charset=utf-8",
    "/favicon.ico": "image/svg+xml",
    "/ui/favicon.svg": "image/svg+xml",
  };
  for (const [path, type] of Object.entries(types)) {
    const res = await serve(path);
    assert.equal(res?.status, 200, path);
    assert.equal(res.headers.get("content-type"), type, path);
    await res.body?.cancel();
  }
  for (const path of ["/ui/missing.js", "/ui/.hidden", "/ui/..", "/app.js"]) {
    assert.equal(await serve(path), null, path);
  }
});
