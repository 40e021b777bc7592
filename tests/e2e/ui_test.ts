/**
 * The query builder in a real headless Chromium against a real server.
 * Outside CI a missing Chromium skips this file; with CI=true it fails.
 */
import assert from "node:assert/strict";
import { chromium, type Page } from "playwright-core";
import { DataPressClient } from "../../client/mod.ts";
import { writeFixture } from "../_shared/fixture.ts";

const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
const haveChromium = await Deno.stat(CHROMIUM).then(() => true, () => false);
if (!haveChromium) {
  const msg =
    `e2e: ${CHROMIUM} not found; install Debian's chromium (apt-get install -y chromium)`;
  if (Deno.env.get("CI") === "true") throw new Error(msg);
  console.warn(`${msg}; skipping browser tests`);
}

async function startServer(
  path: string,
): Promise<{ url: string; child: Deno.ChildProcess }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../main.ts", import.meta.url).pathname,
      "serve",
      `fx=${path}`,
      "--port",
      "0",
      "--kv",
      ":memory:",
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited: ${text}`);
    text += value;
    const m = /listening on (\S+)/.exec(text);
    if (m) {
      reader.releaseLock();
      return { url: m[1]!, child };
    }
  }
}

Deno.test({
  name: "query builder: list, filter, order, group, error, paging, URL state",
  ignore: !haveChromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const shots = await Deno.makeTempDir({ prefix: "datapress-e2e-" });
    console.log(`screenshots in ${shots}`);
    const { url, child } = await startServer(await writeFixture());
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--headless",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    let step = 0;
    const shot = async (page: Page, name: string) => {
      await page.screenshot({
        path: `${shots}/${String(++step).padStart(2, "0")}-${name}.png`,
        fullPage: true,
      });
    };
    try {
      const page = await browser.newPage({
        viewport: { width: 1400, height: 1000 },
      });
      await page.goto(`${url}/`);
      await page.getByTestId("datasets").getByText("fx").waitFor();
      await page.getByTestId("results").waitFor();
      await shot(page, "datasets");

      // Two predicates and an order.
      await page.getByTestId("add-filter").click();
      await page.getByTestId("add-filter").click();
      const preds = page.getByTestId("predicate");
      await preds.nth(0).locator("select").nth(0).selectOption("state");
      await preds.nth(0).locator("select").nth(1).selectOption("eq");
      await preds.nth(0).locator("input").fill("TX");
      await preds.nth(1).locator("select").nth(0).selectOption("severity");
      await preds.nth(1).locator("select").nth(1).selectOption("gte");
      await preds.nth(1).locator("input").fill("2");
      await page.getByTestId("add-order").click();
      const order = page.getByTestId("order").nth(0);
      await order.locator("select").nth(0).selectOption("id");
      await order.locator("select").nth(1).selectOption("desc");
      await page.getByLabel("page size").fill("20");
      await page.getByTestId("run").click();
      await page.getByTestId("summary").getByText(/matching rows/).waitFor();
      await shot(page, "filtered");
      const client = new DataPressClient(url);
      const expected = await client.queryJson("fx", {
        predicates: [{ col: "state", op: "eq", val: "TX" }, {
          col: "severity",
          op: "gte",
          val: 2,
        }],
        order_by: [{ col: "id", dir: "desc" }],
        page_size: 20,
      });
      const firstIds = await page.getByTestId("results").locator(
        "tbody tr td:first-child",
      ).allTextContents();
      assert.deepEqual(firstIds, expected.rows.map((r) => String(r.id)));
      const total = await client.count("fx", [{
        col: "state",
        op: "eq",
        val: "TX",
      }, { col: "severity", op: "gte", val: 2 }]);
      await page.getByTestId("summary").getByText(
        `${total.toLocaleString("en-US")} matching rows`,
      ).waitFor();

      // Paging.
      const urlBefore = page.url();
      await page.getByTestId("next").click();
      await page.getByTestId("summary").getByText(/on page 2/).waitFor();
      await shot(page, "page-2");

      // Back and forward walk the query history.
      await page.goBack();
      assert.equal(page.url(), urlBefore);
      await page.getByTestId("summary").getByText(/on page 1 /).waitFor();
      await page.goForward();
      await page.getByTestId("summary").getByText(/on page 2/).waitFor();

      // Reopen from the URL: same query, same page.
      await page.goto(page.url());
      await page.getByTestId("summary").getByText(/on page 2/).waitFor();
      assert.equal(await page.getByTestId("predicate").count(), 2);
      await shot(page, "reopened");

      // Group and see the chart.
      await page.goto(`${url}/`);
      await page.getByTestId("results").waitFor();
      await page.getByTestId("group-state").check();
      await page.getByTestId("add-agg").click();
      await page.getByTestId("run").click();
      // One bar per state (five names and null).
      await page.getByTestId("chart").locator("rect").nth(5).waitFor();
      assert.equal(await page.getByTestId("chart").locator("rect").count(), 6);
      await shot(page, "grouped");

      // Provoke an error: the message shows next to the field it names.
      await page.getByTestId("group-state").uncheck();
      await page.getByTestId("add-filter").click();
      const p = page.getByTestId("predicate").nth(0);
      await p.locator("select").nth(0).selectOption("id");
      await p.locator("select").nth(1).selectOption("in");
      await p.locator("input").fill("x, y");
      await page.getByTestId("run").click();
      const fieldError = p.getByTestId("field-error");
      await fieldError.waitFor();
      assert.match(
        await fieldError.textContent() ?? "",
        /predicates\[0\]\.val\[0\]: expected an integer/,
      );
      await shot(page, "error");
    } finally {
      await browser.close();
      child.kill("SIGTERM");
      await child.status;
    }
  },
});
