/** /docs renders the OpenAPI document in a real browser, offline. */
import assert from "node:assert/strict";
import { writeFixture } from "../_shared/fixture.ts";
import {
  consoleErrors,
  haveChromium,
  launchBrowser,
  screenshots,
  startServer,
  stopServer,
} from "./_browser.ts";

Deno.test({
  name: "docs: Swagger UI renders every operation from the server alone",
  ignore: !haveChromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { url, child } = await startServer([
      `fx=${await writeFixture()}`,
      "--prefix",
      "/dp",
    ]);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors = consoleErrors(page);
      const elsewhere: string[] = [];
      page.on("request", (r) => {
        if (!r.url().startsWith(url)) elsewhere.push(r.url());
      });
      await page.goto(`${url}/dp/docs`);
      await page.waitForSelector(".opblock", { timeout: 15_000 });
      const ops = await page.locator(".opblock").count();
      assert.ok(ops >= 14, `${ops} operations shown`);
      assert.match(
        await page.locator(".title").first().innerText(),
        /datapress/,
      );
      await (await screenshots("docs"))(page, "reference");
      assert.deepEqual(elsewhere, [], "the page fetched from elsewhere");
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await stopServer(child);
    }
  },
});
