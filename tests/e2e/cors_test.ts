/**
 * CORS from a real browser: a page served on one port POSTs a JSON query
 * (which needs a preflight) to datapress on another port. The allowed
 * origin reads the answer; another origin is blocked by the browser.
 */
import assert from "node:assert/strict";
import { writeFixture } from "../_shared/fixture.ts";
import {
  haveChromium,
  launchBrowser,
  startServer,
  stopServer,
} from "./_browser.ts";

/** A tiny HTML page on its own port (its own origin). */
function pageServer(): { origin: string; close(): Promise<void> } {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      new Response("<!doctype html><title>app</title><p>another app</p>", {
        headers: { "content-type": "text/html" },
      }),
  );
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    close: () => server.shutdown(),
  };
}

Deno.test({
  name: "cors: a page on an allowed origin queries the API; another is blocked",
  ignore: !haveChromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const allowed = pageServer();
    const other = pageServer();
    const dir = await Deno.makeTempDir();
    const config = `${dir}/datapress.json`;
    await Deno.writeTextFile(
      config,
      JSON.stringify({ cors_origins: [allowed.origin] }),
    );
    const { url, child } = await startServer([
      "--config",
      config,
      `fx=${await writeFixture()}`,
    ]);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const call = (origin: string) =>
        page.goto(origin).then(() =>
          page.evaluate(async (api) => {
            try {
              const res = await fetch(`${api}/api/v1/datasets/fx/query`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ columns: ["id"], page_size: 3 }),
              });
              return {
                status: res.status,
                etag: res.headers.get("etag"),
                body: await res.json(),
              };
            } catch (e) {
              return { blocked: String(e) };
            }
          }, url)
        );
      const ok = await call(allowed.origin);
      assert.equal("status" in ok && ok.status, 200, JSON.stringify(ok));
      assert.ok("body" in ok);
      assert.deepEqual(ok.body.rows, [{ id: 0 }, { id: 1 }, { id: 2 }]);
      // Exposed, so a script can revalidate with If-None-Match.
      assert.match(String(ok.etag), /^"/);

      const blocked = await call(other.origin);
      assert.ok("blocked" in blocked, JSON.stringify(blocked));
      assert.match(String(blocked.blocked), /TypeError|Failed to fetch/);
    } finally {
      await browser.close();
      await stopServer(child);
      await allowed.close();
      await other.close();
    }
  },
});
