/** The query builder in a real headless Chromium against a real server. */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { DataPressClient } from "../../client/mod.ts";
import { writeFixture } from "../_shared/fixture.ts";
import {
  consoleErrors,
  haveChromium,
  launchBrowser,
  screenshots,
  startServer,
  stopServer,
} from "./_browser.ts";

/** A browser test against `serve fx=<fixture> ...args`. */
function browserTest(
  name: string,
  args: string[],
  fn: (ctx: { url: string; browser: Browser }) => Promise<void>,
): void {
  Deno.test({
    name,
    ignore: !haveChromium,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const { url, child } = await startServer([
        `fx=${await writeFixture()}`,
        ...args,
      ]);
      const browser = await launchBrowser();
      try {
        await fn({ url, browser });
      } finally {
        await browser.close();
        await stopServer(child);
      }
    },
  });
}

async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  // A UI that fails to render fails the test in seconds, not in 30 s.
  page.setDefaultTimeout(10_000);
  return page;
}

/** Opens `url` and waits until the first page of results shows. */
async function openBuilder(browser: Browser, url: string): Promise<Page> {
  const page = await newPage(browser);
  await page.goto(url);
  await page.getByTestId("datasets").getByText("fx").waitFor();
  await page.getByTestId("results").waitFor();
  return page;
}

browserTest(
  "query builder: list, filter, order, group, error, paging, URL state",
  [],
  async ({ url, browser }) => {
    const shot = await screenshots("query-builder");
    const page = await openBuilder(browser, `${url}/`);
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
  },
);

browserTest(
  "query builder: a page load logs no console error (favicon included)",
  [],
  async ({ url, browser }) => {
    const page = await newPage(browser);
    const errors = consoleErrors(page);
    await page.goto(`${url}/`);
    await page.getByTestId("results").waitFor();
    await page.waitForLoadState("networkidle");
    assert.deepEqual(errors, []);
  },
);

browserTest(
  "query builder: under a prefix, with and without the trailing slash",
  ["--prefix", "/dp"],
  async ({ url, browser }) => {
    const shot = await screenshots("prefix");
    for (const path of ["/dp", "/dp/"]) {
      const page = await newPage(browser);
      const errors = consoleErrors(page);
      await page.goto(`${url}${path}`);
      await page.getByTestId("datasets").getByText("fx").waitFor();
      await page.getByTestId("results").locator("tbody td").first().waitFor();
      await page.waitForLoadState("networkidle");
      await shot(page, `at-${path.replaceAll("/", "_")}`);
      assert.deepEqual(errors, [], path);
      await page.close();
    }
  },
);

browserTest(
  "query builder: clicking the open dataset starts a new query on it",
  [],
  async ({ url, browser }) => {
    const shot = await screenshots("reopen-dataset");
    const page = await openBuilder(browser, `${url}/`);
    await page.getByTestId("add-filter").click();
    await page.getByTestId("predicate").nth(0).locator("input").fill("3");
    await page.getByTestId("run").click();
    await page.getByTestId("summary").getByText(/^1 rows on page 1/).waitFor();

    await page.getByTestId("datasets").getByText("fx").click();
    await page.getByTestId("summary").getByText(/^100 rows on page 1/)
      .waitFor();
    await shot(page, "after-click");
    assert.equal(await page.getByTestId("schema").isVisible(), true);
    assert.equal(await page.getByTestId("run").isVisible(), true);
    assert.equal(await page.getByTestId("predicate").count(), 0);
  },
);
