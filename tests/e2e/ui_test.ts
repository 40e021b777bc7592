/** The explorer's builder, URL state and page loads in a real headless Chromium against a real server. */
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

/** Opens `url` and waits until the first rows show. */
async function openExplorer(browser: Browser, url: string): Promise<Page> {
  const page = await newPage(browser);
  await page.goto(url);
  await page.getByTestId("datasets").getByText("fx").waitFor();
  await firstRow(page);
  return page;
}

/** The first row's cells, once they are in. */
async function firstRow(page: Page): Promise<string[]> {
  const row = page.locator('[data-row="0"]');
  await row.locator(".cell:not(.pending)").first().waitFor();
  return await row.locator(".cell").allTextContents();
}

async function idle(page: Page): Promise<void> {
  await page.getByTestId("run-status").getByText(/took/).waitFor();
}

browserTest(
  "builder: filters and order, Enter runs; errors beside the field; back, forward and links replay the query",
  [],
  async ({ url, browser }) => {
    const shot = await screenshots("query-builder");
    const page = await openExplorer(browser, `${url}/`);
    await shot(page, "datasets");

    await page.getByTestId("builder-toggle").click();
    await page.getByTestId("add-filter").click();
    await page.getByTestId("add-filter").click();
    const preds = page.getByTestId("predicate");
    await preds.nth(0).locator("select").nth(0).selectOption("state");
    await preds.nth(0).locator("select").nth(1).selectOption("eq");
    await preds.nth(0).locator("input").fill("TX");
    await preds.nth(1).locator("select").nth(0).selectOption("severity");
    await preds.nth(1).locator("select").nth(1).selectOption("gte");
    await page.getByTestId("add-order").click();
    const order = page.getByTestId("order").nth(0);
    await order.locator("select").nth(0).selectOption("id");
    await order.locator("select").nth(1).selectOption("desc");
    await preds.nth(1).locator("input").fill("2");
    // Enter in a field runs the query.
    await preds.nth(1).locator("input").press("Enter");
    await page.getByTestId("filter-chip").nth(1).waitFor();
    await idle(page);
    await shot(page, "filtered");
    const client = new DataPressClient(url);
    const predicates = [{ col: "state", op: "eq" as const, val: "TX" }, {
      col: "severity",
      op: "gte" as const,
      val: 2,
    }];
    const expected = await client.queryJson("fx", {
      predicates,
      order_by: [{ col: "id", dir: "desc" }],
      page_size: 5,
    });
    const ids = await page.locator("[data-row] .cell:nth-child(2)")
      .allTextContents();
    assert.deepEqual(ids.slice(0, 5), expected.rows.map((r) => String(r.id)));
    const total = await client.count("fx", predicates);
    assert.equal(
      await page.getByTestId("total").textContent(),
      `${total} rows`,
    );

    // Back and forward walk the query history.
    const filtered = page.url();
    await page.getByTestId("header-score").locator("button.sort").click();
    await page.locator('[data-testid="header-score"][aria-sort="ascending"]')
      .waitFor();
    await idle(page);
    await page.goBack();
    assert.equal(page.url(), filtered);
    await page.locator('[data-testid="header-id"][aria-sort="descending"]')
      .waitFor();
    await idle(page);
    assert.equal((await firstRow(page))[0], String(expected.rows[0]!.id));
    await page.goForward();
    await page.locator('[data-testid="header-score"][aria-sort="ascending"]')
      .waitFor();

    // A link replays the query in a new page: same filters (typed by
    // column), same order.
    const again = await newPage(browser);
    await again.goto(filtered);
    await again.getByTestId("filter-chip").nth(1).waitFor();
    await idle(again);
    assert.equal((await firstRow(again))[0], String(expected.rows[0]!.id));
    assert.equal(
      await again.getByTestId("total").textContent(),
      `${total} rows`,
    );
    await shot(again, "reopened");

    // An error shows next to the field it names.
    await again.getByTestId("builder-toggle").click();
    await again.getByTestId("add-filter").click();
    const p = again.getByTestId("predicate").nth(2);
    await p.locator("select").nth(0).selectOption("id");
    await p.locator("select").nth(1).selectOption("in");
    await p.locator("input").fill("x, y");
    await again.getByTestId("run").click();
    const fieldError = p.getByTestId("field-error");
    await fieldError.waitFor();
    assert.match(
      await fieldError.textContent() ?? "",
      /predicates\[2\]\.val\[0\]: expected an integer/,
    );
    await shot(again, "error");
  },
);

browserTest(
  "explorer: a page load logs no console error (favicon included)",
  [],
  async ({ url, browser }) => {
    const page = await newPage(browser);
    const errors = consoleErrors(page);
    await page.goto(`${url}/`);
    await firstRow(page);
    await page.waitForLoadState("networkidle");
    assert.deepEqual(errors, []);
  },
);

browserTest(
  "explorer: under a prefix, with and without the trailing slash",
  ["--prefix", "/dp"],
  async ({ url, browser }) => {
    const shot = await screenshots("prefix");
    for (const path of ["/dp", "/dp/"]) {
      const page = await newPage(browser);
      const errors = consoleErrors(page);
      await page.goto(`${url}${path}`);
      await page.getByTestId("datasets").getByText("fx").waitFor();
      assert.equal((await firstRow(page))[0], "0");
      await page.waitForLoadState("networkidle");
      await shot(page, `at-${path.replaceAll("/", "_")}`);
      assert.deepEqual(errors, [], path);
      await page.close();
    }
  },
);

browserTest(
  "explorer: clicking the open dataset starts a new query on it",
  [],
  async ({ url, browser }) => {
    const shot = await screenshots("reopen-dataset");
    const page = await openExplorer(browser, `${url}/`);
    await page.getByTestId("menu-id").click();
    await page.getByTestId("menu-filter").click();
    await page.getByTestId("quick-filter").locator("input").fill("3");
    await page.getByTestId("quick-filter-apply").click();
    await page.getByTestId("total").getByText(/^1 rows$/).waitFor();

    await page.getByTestId("datasets").getByText("fx").click();
    await page.getByTestId("total").getByText(/^500 rows$/).waitFor();
    await shot(page, "after-click");
    assert.equal(await page.getByTestId("schema").isVisible(), true);
    assert.equal(await page.getByTestId("filter-chip").count(), 0);
    await page.getByTestId("builder-toggle").click();
    assert.equal(await page.getByTestId("run").isVisible(), true);
    assert.equal(await page.getByTestId("predicate").count(), 0);
  },
);
