/**
 * With auth on, the explorer's downloads carry the bearer token: a link
 * cannot, so the page fetches the export with the token and hands the
 * browser the file. A real OIDC provider issues the token; a real server
 * checks it.
 */
import assert from "node:assert/strict";
import { DataPressClient } from "../../client/mod.ts";
import { AUDIENCE, startProvider } from "../auth/_provider.ts";
import { writeFixture } from "../_shared/fixture.ts";
import {
  consoleErrors,
  haveChromium,
  launchBrowser,
  startServer,
  stopServer,
  waitReady,
} from "./_browser.ts";

Deno.test({
  name: "explorer: downloads carry the bearer token when auth is on",
  ignore: !haveChromium,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const provider = await startProvider();
    const dir = await Deno.makeTempDir({ prefix: "datapress-e2e-auth-" });
    const config = `${dir}/config.json`;
    await Deno.writeTextFile(
      config,
      JSON.stringify({
        datasets: [{ name: "fx", source: await writeFixture() }],
        auth: {
          enabled: true,
          issuer: provider.issuer,
          audience: AUDIENCE,
          read_scopes: ["datasets:read"],
        },
      }),
    );
    const { url, child } = await startServer(["--config", config]);
    const browser = await launchBrowser();
    try {
      await waitReady(url);
      const token = await provider.token("acme");
      const body = { columns: ["id", "state"], order_by: [] };
      const link = new DataPressClient(url).queryUrl("fx", body, "csv");
      const refused = await fetch(link);
      await refused.body?.cancel();
      assert.equal(refused.status, 401, "the plain link is refused");

      const page = await browser.newPage({ acceptDownloads: true });
      page.setDefaultTimeout(15_000);
      const errors = consoleErrors(page);
      const hash = "#" + new URLSearchParams({
        q: JSON.stringify({ dataset: "fx", columns: ["id", "state"] }),
      });
      await page.goto(`${url}/${hash}`);
      await page.getByTestId("token").fill(token);
      await page.getByTestId("token").press("Enter");
      await page.locator('[data-row="0"] .cell:not(.pending)').first()
        .waitFor();

      for (const [format, ext] of [["csv", "csv"], ["parquet", "parquet"]]) {
        await page.getByTestId("export").locator("summary").click();
        const [download] = await Promise.all([
          page.waitForEvent("download"),
          page.getByTestId(`download-${format}`).click(),
        ]);
        assert.equal(download.suggestedFilename(), `fx.${ext}`);
        const got = await Deno.readFile((await download.path())!);
        const href = await page.getByTestId(`download-${format}`)
          .getAttribute("href");
        const want = await fetch(href!, {
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(want.status, 200);
        assert.deepEqual(got, new Uint8Array(await want.arrayBuffer()));
        await page.getByTestId("export").locator("summary").click();
      }
      assert.equal(await page.getByTestId("error").count(), 0);
      assert.deepEqual(errors.filter((e) => !/401/.test(e)), []);
    } finally {
      await browser.close();
      await stopServer(child);
      await provider.close();
    }
  },
});
