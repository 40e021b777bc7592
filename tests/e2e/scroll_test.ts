/**
 * The explorer on 2,000,000 rows served by the memory engine: the first
 * rows are painted within 1 s of the page starting to load, a sort click
 * repaints within 500 ms (both read from the page's performance marks),
 * pages arrive as the grid scrolls, all pinned to one dataset version, and
 * row 1,000,000 is one jump away.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { DataPressClient } from "../../client/mod.ts";
import { BIG_ROWS, bigFile } from "./_big.ts";
import {
  consoleErrors,
  haveChromium,
  launchBrowser,
  screenshots,
  startServer,
  stopServer,
  waitReady,
} from "./_browser.ts";

const FIRST_ROWS_MS = 1000;
const SORT_MS = 500;

/** The text of each cell of the row with this 0-based index, once its page is in. */
async function rowCells(page: Page, row: number): Promise<string[]> {
  const r = page.locator(`[data-row="${row}"]`);
  await r.locator(".cell:not(.pending)").first().waitFor();
  return await r.locator(".cell").allTextContents();
}

/** Waits until the grid's scroll position has stopped changing. */
async function settled(page: Page): Promise<void> {
  let last = -1;
  for (;;) {
    await page.waitForTimeout(200);
    const top = await page.getByTestId("grid").evaluate((e) => e.scrollTop);
    if (top === last) return;
    last = top;
  }
}

/** The duration of the latest performance measure of this name, once taken. */
async function measured(
  page: Page,
  name: string,
  count: number,
): Promise<number> {
  await page.waitForFunction(
    ([n, c]) =>
      performance.getEntriesByName(n as string).length >= (c as number),
    [name, count],
  );
  return await page.evaluate((n) => {
    const all = performance.getEntriesByName(n);
    return all[all.length - 1]!.duration;
  }, name);
}

Deno.test({
  name:
    "explorer, 2M rows (memory engine): speed, infinite scroll, version pinning, row 1,000,000",
  ignore: !haveChromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const file = await bigFile();
    const { url, child } = await startServer([
      `big=${file}`,
      "--engine",
      "memory",
    ]);
    const browser = await launchBrowser();
    const shot = await screenshots("scroll-2m");
    const logs: string[][] = [];
    const numbers: Record<string, number[]> = {
      first_rows_ms: [],
      sort_ms: [],
    };
    try {
      await waitReady(url);
      const client = new DataPressClient(url);

      await t.step("first rows painted within 1 s of navigation", async () => {
        // Each load in a new context: nothing cached in the browser.
        for (let i = 0; i < 3; i++) {
          const ctx = await browser.newContext({
            viewport: { width: 1400, height: 900 },
          });
          const page = await ctx.newPage();
          logs.push(consoleErrors(page));
          await page.goto(`${url}/`);
          await page.waitForFunction(() =>
            performance.getEntriesByName("dp:first-rows").length > 0
          );
          numbers.first_rows_ms!.push(
            await page.evaluate(() =>
              performance.getEntriesByName("dp:first-rows")[0]!.startTime
            ),
          );
          assert.deepEqual((await rowCells(page, 0)).slice(0, 2), [
            "0",
            "city 000",
          ]);
          if (i === 0) await shot(page, "first-rows");
          await ctx.close();
        }
        console.log(
          `first rows painted at ${
            numbers.first_rows_ms!.map(Math.round).join(", ")
          } ms`,
        );
        // The median of three cold loads: one slow start is the machine.
        const median = [...numbers.first_rows_ms!].sort((a, b) => a - b)[1]!;
        assert.ok(
          median <= FIRST_ROWS_MS,
          `first rows at ${numbers.first_rows_ms} ms`,
        );
      });

      const page = await browser.newPage({
        viewport: { width: 1400, height: 900 },
      });
      page.setDefaultTimeout(15_000);
      logs.push(consoleErrors(page));
      const pinned: unknown[] = [];
      page.on("request", (req) => {
        if (req.method() === "POST" && req.url().endsWith("/query")) {
          pinned.push(req.postDataJSON());
        }
      });
      await page.goto(`${url}/`);
      await rowCells(page, 0);

      await t.step("a sort click repaints within 500 ms", async () => {
        // A click sorts ascending, the next descending, the third unsorts.
        const clicks = [
          ["amount", "asc"],
          ["amount", "desc"],
          ["city", "asc"],
          ["city", "desc"],
        ] as const;
        for (const [i, [col, dir]] of clicks.entries()) {
          await page.getByTestId(`header-${col}`).locator("button.sort")
            .click();
          numbers.sort_ms!.push(await measured(page, "dp:sort", i + 1));
          const want = await client.queryJson("big", {
            columns: ["id"],
            order_by: [{ col, dir }],
            page_size: 1,
          });
          const cells = await rowCells(page, 0);
          assert.equal(
            cells[0],
            Number(want.rows[0]!.id).toLocaleString("en-US"),
          );
          assert.equal(
            await page.getByTestId(`header-${col}`).getAttribute("aria-sort"),
            dir === "asc" ? "ascending" : "descending",
          );
          if (i === 1) await shot(page, "sorted-by-amount-desc");
        }
        console.log(
          `sort repainted in ${numbers.sort_ms!.map(Math.round).join(", ")} ms`,
        );
        const sorted = [...numbers.sort_ms!].sort((a, b) => a - b);
        // Three clicks of four: one slow frame is the machine, not the UI.
        assert.ok(sorted[2]! <= SORT_MS, `sort repaints ${numbers.sort_ms} ms`);
        await page.getByTestId("header-city").locator("button.sort").click();
        await page.getByTestId("run-status").getByText(/took/).waitFor();
        assert.equal(
          await page.getByTestId("header-city").getAttribute("aria-sort"),
          null,
        );
        assert.equal((await rowCells(page, 0))[0], "0");
      });

      await t.step(
        "scrolling fetches the pages in view, pinned to the first page's version",
        async () => {
          pinned.length = 0;
          const grid = page.getByTestId("grid");
          await grid.hover();
          for (let i = 0; i < 8; i++) await page.mouse.wheel(0, 2500);
          await settled(page);
          const last = Number(
            await page.locator("[data-row]").last().getAttribute("data-row"),
          );
          assert.ok(last > 500, `scrolled to row ${last}`);
          const cells = await rowCells(page, last);
          assert.equal(cells[0], last.toLocaleString("en-US"));
          await shot(page, "scrolled");
          assert.ok(pinned.length > 0, "pages were fetched");
          for (const body of pinned as { page: number; version?: number }[]) {
            assert.ok(body.page > 1);
            assert.equal(body.version, 1, JSON.stringify(body));
          }
        },
      );

      await t.step("jump to row 1,000,000 and to the last row", async () => {
        await page.getByTestId("jump").fill("1000000");
        await page.getByTestId("jump").press("Enter");
        const cells = await rowCells(page, 999_999);
        assert.equal(cells[0], "999,999");
        assert.equal(
          await page.locator('[data-row="999999"] .gutter').textContent(),
          "1,000,000",
        );
        // The jumped-to row is the first in view.
        const gridTop = (await page.getByTestId("grid").boundingBox())!.y;
        const rowTop =
          (await page.locator('[data-row="999999"]').boundingBox())!.y;
        assert.ok(
          Math.abs(rowTop - gridTop - 45) < 2,
          `row at ${rowTop - gridTop}`,
        );
        await shot(page, "row-1000000");

        await page.getByTestId("jump").fill(String(BIG_ROWS));
        await page.getByTestId("jump").press("Enter");
        assert.equal((await rowCells(page, BIG_ROWS - 1))[0], "1,999,999");
        assert.equal(
          await page.getByTestId("total").textContent(),
          "2,000,000 rows",
        );
        await shot(page, "last-row");
      });
      assert.deepEqual(logs.flat(), []);
    } finally {
      console.log(`measured: ${JSON.stringify(numbers)}`);
      await browser.close();
      await stopServer(child);
    }
  },
});
