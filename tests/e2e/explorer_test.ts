/**
 * The data explorer in a real Chromium against one real server (DuckDB
 * engine, 1,000 datasets: the fixture first, the 2M-row file for a slow
 * query, 998 small ones). Each step is one behaviour of issue 15 and saves
 * its screenshots under .datapress/e2e/explorer/. Kept in one file because
 * the steps share that one browser and server, whose start is most of the
 * test's time.
 */
import assert from "node:assert/strict";
import { tableFromIPC } from "apache-arrow";
import { parquetMetadata } from "hyparquet";
import type { Page } from "playwright-core";
import { DataPressClient } from "../../client/mod.ts";
import { FIXTURE_ROWS, writeFixture } from "../_shared/fixture.ts";
import { bigFile } from "./_big.ts";
import {
  consoleErrors,
  haveChromium,
  launchBrowser,
  screenshots,
  startServer,
  stopServer,
  waitReady,
} from "./_browser.ts";

const ADMIN = "e2e-admin";
/** Beside the fixture's columns: a float with many digits and a long text. */
const EXTRA = `, i / 7.0 AS ratio,
  CASE WHEN i % 2 = 1 THEN repeat('lorem ipsum ', 20) || i ELSE 'short ' || i END AS long`;

/** A query on the 2M-row file that keeps one DuckDB thread busy for a second or more. */
const SLOW = {
  groupBy: ["note", "at", "amount"],
  aggregations: [
    { op: "count", col: "", alias: "" },
    { op: "avg", col: "amount", alias: "" },
    { op: "max", col: "city", alias: "" },
  ],
  orderBy: [{ col: "max_city", dir: "desc" }, {
    col: "avg_amount",
    dir: "desc",
  }],
};

function hashOf(state: Record<string, unknown>): string {
  const full = {
    dataset: "fx",
    columns: [],
    predicates: [],
    orderBy: [],
    groupBy: [],
    aggregations: [],
    distinct: false,
    limit: "",
    ...state,
  };
  return "#" + new URLSearchParams({ q: JSON.stringify(full) });
}

async function cells(page: Page, row: number): Promise<string[]> {
  const r = page.locator(`[data-row="${row}"]`);
  await r.locator(".cell:not(.pending)").first().waitFor();
  return await r.locator(".cell").allTextContents();
}

/** The grid's column names, in order. */
async function headers(page: Page): Promise<string[]> {
  return await page.locator(".hcell .hname").evaluateAll((els) =>
    els.map((e) => e.firstChild!.textContent!)
  );
}

async function idle(page: Page): Promise<void> {
  await page.getByTestId("run-status").getByText(/took/).waitFor();
}

Deno.test({
  name:
    "explorer: grid, menus, values, downloads, chart, sidebar, running state, versions",
  ignore: !haveChromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const fixture = await writeFixture(FIXTURE_ROWS, EXTRA);
    const small = await writeFixture(20);
    const dir = await Deno.makeTempDir({ prefix: "datapress-e2e-" });
    const config = `${dir}/config.json`;
    await Deno.writeTextFile(
      config,
      JSON.stringify({
        workers: 1,
        metrics_enabled: true,
        version_grace_secs: 0,
        datasets: [
          { name: "fx", source: fixture, description: "the test fixture" },
          {
            name: "big",
            source: await bigFile(),
            description: "two million rows",
          },
          ...Array.from({ length: 998 }, (_, i) => ({
            name: `ds${String(i).padStart(4, "0")}`,
            source: small,
            description: `small dataset number ${i}`,
          })),
        ],
      }),
    );
    const { url, child } = await startServer(["--config", config], {
      ADMIN_TOKEN: ADMIN,
    });
    const browser = await launchBrowser();
    const shot = await screenshots("explorer");
    const client = new DataPressClient(url);
    const logs: string[][] = [];
    const open = async (hash = ""): Promise<Page> => {
      const page = await browser.newPage({
        viewport: { width: 1400, height: 900 },
      });
      page.setDefaultTimeout(15_000);
      logs.push(consoleErrors(page));
      await page.goto(`${url}/${hash}`);
      await cells(page, 0);
      return page;
    };
    try {
      await waitReady(url, 120_000);

      await t.step(
        "headers show name and type; click sorts, shift-click adds a key",
        async () => {
          const page = await open();
          assert.deepEqual(
            await page.getByTestId("header-big").locator(".htype")
              .textContent(),
            "int64",
          );
          await page.getByTestId("header-severity").locator("button.sort")
            .click();
          await idle(page);
          await page.getByTestId("header-id").locator("button.sort").click({
            modifiers: ["Shift"],
          });
          await idle(page);
          await page.getByTestId("header-id").locator("button.sort").click({
            modifiers: ["Shift"],
          });
          await idle(page);
          assert.equal(
            await page.getByTestId("header-severity").getAttribute("aria-sort"),
            "ascending",
          );
          assert.equal(
            await page.getByTestId("header-id").getAttribute("aria-sort"),
            "descending",
          );
          assert.equal(
            await page.getByTestId("header-id").locator("sup").textContent(),
            "2",
          );
          const want = await client.queryJson("fx", {
            columns: ["id"],
            order_by: [{ col: "severity", dir: "asc" }, {
              col: "id",
              dir: "desc",
            }],
            page_size: 5,
          });
          for (const [i, r] of want.rows.entries()) {
            assert.equal((await cells(page, i))[0], String(r.id));
          }
          await shot(page, "sorted-two-keys");
          await page.close();
        },
      );

      await t.step(
        "header menu: filter (as a removable chip), hide, group by, profile; the builder one click away",
        async () => {
          const page = await open();
          await page.getByTestId("menu-state").click();
          await page.getByTestId("menu-filter").click();
          await page.getByTestId("quick-filter").locator("input").fill("TX");
          await shot(page, "quick-filter");
          await page.getByTestId("quick-filter").locator("input").press(
            "Enter",
          );
          await page.getByTestId("filter-chip").getByText("state = TX")
            .waitFor();
          await idle(page);
          const tx = await client.count("fx", [{
            col: "state",
            op: "eq",
            val: "TX",
          }]);
          assert.equal(
            await page.getByTestId("total").textContent(),
            `${tx} rows`,
          );
          assert.equal((await cells(page, 0))[1], "TX");
          await shot(page, "filter-chip");
          await page.getByTestId("filter-chip").getByRole("button").click();
          await page.getByTestId("total").getByText(`${FIXTURE_ROWS} rows`)
            .waitFor();
          assert.equal(await page.getByTestId("filter-chip").count(), 0);
          // A filter nothing passes says so.
          await page.getByTestId("menu-state").click();
          await page.getByTestId("menu-filter").click();
          await page.getByTestId("quick-filter").locator("input").fill(
            "nowhere",
          );
          await page.getByTestId("quick-filter-apply").click();
          await page.getByTestId("no-rows").waitFor();
          assert.equal(await page.getByTestId("total").textContent(), "0 rows");
          await page.getByTestId("filter-chip").getByRole("button").click();
          await page.getByTestId("total").getByText(`${FIXTURE_ROWS} rows`)
            .waitFor();

          await page.getByTestId("menu-score").click();
          await page.getByTestId("menu-hide").click();
          await page.getByTestId("hidden-chip").getByText("1 hidden").waitFor();
          await idle(page);
          assert.ok(!(await headers(page)).includes("score"));
          await shot(page, "score-hidden");
          await page.getByTestId("hidden-chip").getByRole("button").click();
          await page.getByTestId("header-score").waitFor();

          await page.getByTestId("menu-state").click();
          await page.getByTestId("menu-group").click();
          await page.getByTestId("group-chip").waitFor();
          await idle(page);
          assert.deepEqual(await headers(page), ["state", "count"]);
          await page.getByTestId("group-chart").locator("rect.bar").first()
            .waitFor();
          await shot(page, "grouped-by-state");
          await page.getByTestId("group-chip").getByRole("button").click();
          await page.getByTestId("header-score").waitFor();

          await page.getByTestId("menu-score").click();
          await page.getByTestId("menu-profile").click();
          const panel = page.getByTestId("profile");
          await panel.getByTestId("histogram").waitFor();
          const p = await client.profile("fx", "score");
          assert.equal(
            await panel.getByTestId("profile-nulls").textContent(),
            `${p.nulls} (${(100 * p.nulls / p.rows).toFixed(1)} %)`,
          );
          assert.equal(
            await panel.getByTestId("profile-min").textContent(),
            "-20",
          );
          assert.equal(
            await panel.getByTestId("profile-max").textContent(),
            "NaN",
          );
          assert.equal(
            await panel.getByTestId("histogram").locator("rect").count(),
            p.histogram!.length,
          );
          assert.equal(
            await panel.getByTestId("top-values").locator("li").count(),
            p.top.length,
          );
          await shot(page, "profile-score");
          await page.keyboard.press("Escape");
          await panel.waitFor({ state: "detached" });

          await page.getByTestId("builder-toggle").click();
          await page.getByTestId("add-filter").waitFor();
          await shot(page, "builder-open");
          await page.getByTestId("builder-toggle").click();
          await page.getByTestId("builder").waitFor({ state: "detached" });
          await page.close();
        },
      );

      await t.step(
        "values as people read them; cell detail; copy gives the exact value",
        async () => {
          const page = await open();
          const names = await headers(page);
          const col = (name: string) => names.indexOf(name);
          const row1 = await cells(page, 1);
          assert.equal(row1[col("big")], "9,007,199,254,740,994");
          assert.equal(row1[col("ratio")], "0.142857");
          assert.equal(row1[col("at")], "2021-06-01 01:00:07 UTC");
          assert.equal(row1[col("price")], "0.25");
          const r1 = page.locator('[data-row="1"] .cell');
          assert.equal(
            await r1.nth(col("ratio")).getAttribute("title"),
            "0.14285714285714285",
          );
          for (const n of ["id", "big", "ratio", "price"]) {
            assert.equal(
              await r1.nth(col(n)).evaluate((e) =>
                getComputedStyle(e).textAlign
              ),
              "right",
              n,
            );
          }
          assert.notEqual(
            await r1.nth(col("state")).evaluate((e) =>
              getComputedStyle(e).textAlign
            ),
            "right",
          );
          // Row 0: state is null, shown distinctly.
          const nullCell = page.locator('[data-row="0"] .cell').nth(
            col("state"),
          );
          assert.equal(await nullCell.textContent(), "null");
          assert.match((await nullCell.getAttribute("class"))!, /\bnull\b/);
          assert.equal(
            await nullCell.evaluate((e) => getComputedStyle(e).fontStyle),
            "italic",
          );
          // Long text is cut short; the detail view has all of it.
          const long = r1.nth(col("long"));
          assert.match((await long.textContent())!, /…$/);
          await long.dblclick();
          const detail = page.getByTestId("cell-detail");
          assert.equal(
            await detail.getByTestId("detail-value").textContent(),
            "lorem ipsum ".repeat(20) + "1",
          );
          await shot(page, "detail-long-text");
          await page.keyboard.press("Escape");
          await detail.waitFor({ state: "detached" });
          // Nested values are laid out in the detail view.
          await r1.nth(col("tags")).dblclick();
          assert.equal(
            await detail.getByTestId("detail-value").textContent(),
            JSON.stringify(["a", "b_1"], null, 2),
          );
          await page.keyboard.press("Escape");

          await page.evaluate(() => {
            document.addEventListener("copy", (e) => {
              (globalThis as unknown as { copied: string }).copied = e
                .clipboardData!.getData("text/plain");
            });
          });
          await r1.nth(col("ratio")).click();
          await page.keyboard.press("Control+C");
          assert.equal(
            await page.evaluate(() =>
              (globalThis as unknown as { copied: string }).copied
            ),
            "0.14285714285714285",
          );
          // Arrow keys move the selection, scrolling it into view.
          for (let i = 0; i < 40; i++) await page.keyboard.press("ArrowDown");
          await page.keyboard.press("Control+C");
          assert.equal(
            await page.evaluate(() =>
              (globalThis as unknown as { copied: string }).copied
            ),
            String(41 / 7),
          );
          assert.ok(
            await page.locator('[data-row="41"] .cell.active').isVisible(),
          );
          await shot(page, "values");
          await page.close();
        },
      );

      await t.step(
        "downloads are native browser downloads of the GET form, nothing held in the page",
        async () => {
          const page = await open(
            hashOf({ predicates: [{ col: "severity", op: "gte", val: "3" }] }),
          );
          await page.evaluate(() => {
            const w = globalThis as unknown as { blobUrls: number };
            w.blobUrls = 0;
            const original = URL.createObjectURL;
            URL.createObjectURL = (o) => {
              w.blobUrls++;
              return original(o);
            };
          });
          const n = await client.count("fx", [{
            col: "severity",
            op: "gte",
            val: 3,
          }]);
          await page.getByTestId("export").locator("summary").click();
          await shot(page, "export-menu");
          for (const format of ["csv", "ndjson", "arrow", "parquet"]) {
            const link = page.getByTestId(`download-${format}`);
            const href = new URL((await link.getAttribute("href"))!, url);
            assert.equal(href.pathname, "/api/v1/datasets/fx/query");
            assert.equal(href.searchParams.get("format"), format);
            assert.deepEqual(
              JSON.parse(href.searchParams.get("q")!).predicates,
              [{ col: "severity", op: "gte", val: 3 }],
            );
            const [download] = await Promise.all([
              page.waitForEvent("download"),
              link.click(),
            ]);
            const bytes = await Deno.readFile((await download.path())!);
            if (format === "arrow") {
              assert.equal(tableFromIPC(bytes).numRows, n);
              assert.equal(download.suggestedFilename(), "fx.arrows");
            } else if (format === "parquet") {
              const meta = parquetMetadata(bytes.buffer as ArrayBuffer);
              assert.equal(Number(meta.num_rows), n);
              assert.equal(download.suggestedFilename(), "fx.parquet");
            } else {
              const lines = new TextDecoder().decode(bytes).trimEnd().split(
                "\n",
              );
              assert.equal(lines.length, format === "csv" ? n + 1 : n, format);
              assert.equal(download.suggestedFilename(), `fx.${format}`);
            }
            if (
              await page.getByTestId("export").getAttribute("open") === null
            ) {
              await page.getByTestId("export").locator("summary").click();
            }
          }
          assert.equal(
            await page.evaluate(() =>
              (globalThis as unknown as { blobUrls: number }).blobUrls
            ),
            0,
          );
          await page.close();
        },
      );

      await t.step(
        "group chart: choose the aggregate, bars sorted by value, a time axis for dates",
        async () => {
          const page = await open(
            hashOf({
              groupBy: ["state"],
              aggregations: [
                { op: "count", col: "", alias: "" },
                { op: "avg", col: "id", alias: "" },
              ],
            }),
          );
          const chart = page.getByTestId("group-chart");
          await chart.locator("rect.bar").first().waitFor();
          await chart.locator("select").selectOption("avg_id");
          const want = await client.queryJson("fx", {
            group_by: ["state"],
            aggregations: [{ op: "count" }, { op: "avg", col: "id" }],
            order_by: [{ col: "avg_id", dir: "desc" }],
          });
          await page.waitForFunction(
            (first) =>
              document.querySelector("[data-testid=value-bars] rect.bar")
                ?.getAttribute("data-value") === String(first),
            want.rows[0]!.avg_id,
          );
          const values = await chart.locator("rect.bar").evaluateAll((els) =>
            els.map((e) => Number(e.getAttribute("data-value")))
          );
          assert.deepEqual(values, want.rows.map((r) => r.avg_id));
          assert.deepEqual(values, [...values].sort((a, b) => b - a));
          await shot(page, "chart-avg-sorted");

          await page.getByTestId("group-chip").getByRole("button").click();
          await page.getByTestId("header-day").waitFor();
          await page.getByTestId("menu-day").click();
          await page.getByTestId("menu-group").click();
          const axis = chart.getByTestId("time-axis");
          await axis.waitFor();
          const days = await client.queryJson("fx", {
            columns: ["day"],
            distinct: true,
            page_size: 1000,
          });
          assert.equal(await chart.locator("rect.bar").count(), days.returned);
          const ticks = await axis.locator("text").allTextContents();
          assert.equal(ticks[0], "2020-01");
          assert.equal(ticks.at(-1), "2021-02");
          await shot(page, "chart-time-axis");
          await page.close();
        },
      );

      await t.step(
        "sidebar: 1,000 datasets behind a filter box; details; dark mode",
        async () => {
          const ctx = await browser.newContext({
            viewport: { width: 1400, height: 900 },
            colorScheme: "dark",
          });
          const page = await ctx.newPage();
          logs.push(consoleErrors(page));
          await page.goto(`${url}/`);
          await cells(page, 0);
          const list = page.getByTestId("datasets").locator("li");
          assert.equal(await list.count(), 1000);
          const details = page.getByTestId("dataset-details");
          assert.match((await details.textContent())!, /the test fixture/);
          assert.equal(
            await details.getByTestId("dataset-version").textContent(),
            "1",
          );
          assert.equal(
            await details.getByTestId("dataset-engine").textContent(),
            "duckdb",
          );
          assert.match(
            (await details.textContent())!,
            new RegExp(`rows${FIXTURE_ROWS}`),
          );
          assert.equal(
            await page.evaluate(() =>
              getComputedStyle(document.body).backgroundColor
            ),
            "rgb(11, 17, 32)",
          );
          await shot(page, "dark-mode");
          await page.getByTestId("dataset-filter").fill("number 777");
          assert.equal(await list.count(), 1);
          await list.first().click();
          await page.getByTestId("title").getByText("ds0777").waitFor();
          await cells(page, 0);
          await page.getByTestId("dataset-filter").fill("ds09");
          assert.equal(await list.count(), 98);
          await shot(page, "dataset-filter");
          await ctx.close();
        },
      );

      await t.step(
        "running state: elapsed time, Esc and Cancel abort the request and the server stops",
        async () => {
          const page = await open();
          const aborted: string[] = [];
          page.on("requestfailed", (r) => {
            if (r.url().includes("/datasets/big/query")) {
              aborted.push(r.failure()!.errorText);
            }
          });
          const metric = async (name: string) => {
            const text = await (await fetch(`${url}/metrics`)).text();
            return Number(new RegExp(`^${name} (\\d+)`, "m").exec(text)?.[1]);
          };
          for (const how of ["Escape", "button"]) {
            const before = page.url();
            await page.evaluate(
              (h) => location.hash = h,
              hashOf({ dataset: "big", ...SLOW }),
            );
            const cancel = page.getByTestId("cancel");
            await cancel.waitFor();
            await page.getByTestId("elapsed").getByText(/Running… \d+ ms/)
              .waitFor();
            if (how === "Escape") {
              await shot(page, "running");
              await page.keyboard.press("Escape");
            } else await cancel.click();
            const cancelledAt = Date.now();
            await page.getByTestId("notice").getByText(/^Cancelled after/)
              .waitFor();
            assert.equal(page.url(), before, "back to the query on screen");
            assert.equal((await cells(page, 0))[0], "0");
            // The server lets go of the DuckDB connection and the dataset.
            for (;;) {
              const busy = await metric("datapress_engine_connections_in_use") +
                await metric("datapress_dataset_leases");
              if (busy === 0) break;
              assert.ok(
                Date.now() - cancelledAt < 1000,
                "the server still works on it",
              );
              await new Promise((r) => setTimeout(r, 25));
            }
          }
          assert.deepEqual(aborted, ["net::ERR_ABORTED", "net::ERR_ABORTED"]);
          await shot(page, "cancelled");
          await page.close();
        },
      );

      await t.step(
        "a reload between pages: the grid reloads from the top at the new version and says so",
        async () => {
          const page = await open();
          assert.equal(
            await page.getByTestId("version").textContent(),
            "version 1",
          );
          await Deno.copyFile(
            await writeFixture(FIXTURE_ROWS + 100, EXTRA),
            fixture,
          );
          const res = await fetch(`${url}/api/v1/datasets/fx/reload`, {
            method: "POST",
            headers: { "x-admin-token": ADMIN },
          });
          assert.equal((await res.json()).version, 2);
          await page.getByTestId("jump").fill("450");
          await page.getByTestId("jump").press("Enter");
          const notice = page.getByTestId("notice");
          await notice.getByText(/changed to version 2/).waitFor();
          await page.getByTestId("version").getByText("version 2").waitFor();
          // The count at the new version follows its first page.
          await page.getByTestId("total").getByText(
            `${FIXTURE_ROWS + 100} rows`,
            { exact: true },
          ).waitFor();
          assert.equal(
            await page.getByTestId("grid").evaluate((e) => e.scrollTop),
            0,
          );
          await shot(page, "version-changed");
          await page.close();
        },
      );
    } finally {
      await browser.close();
      await stopServer(child);
    }
    // Chromium logs every 4xx answer; the 409 of the reload step is the
    // server doing its job.
    assert.deepEqual(
      logs.flat().filter((e) => !/status of 409/.test(e)),
      [],
    );
  },
});
