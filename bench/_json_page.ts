/**
 * The 100,000-row JSON page over HTTP against DuckDB's own JSON writer
 * (`COPY … (FORMAT json, ARRAY true)`) running the same SQL on a view of the
 * same file in this process: the two are timed in turn, alternating which
 * goes first, so both see the same machine load.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { relationSql } from "../engines/duckdb/relation.ts";
import { buildQuerySql, quoteIdent } from "../engines/duckdb/sql.ts";
import { parseQueryBody } from "../query/parse.ts";
import { planQuery } from "../query/plan.ts";
import { resolveSource } from "../sources/resolve.ts";
import { builtAside, datapress, median, timeIt } from "./_load.ts";

const DATA = new URL("./data/accidents.parquet", import.meta.url).pathname;

/** The page bench/run.ts measures too. */
export const BIG_PAGE = {
  columns: ["ID", "Severity", "Start_Time", "State", "Temperature(F)"],
  page_size: 100_000,
};

/** DuckDB's JSON writer on BIG_PAGE's SQL; `time()` is the median of 5 in ms. */
export async function duckJsonWriter(): Promise<{
  time: () => Promise<number>;
  close: () => Promise<void>;
}> {
  const source = await resolveSource({ name: "accidents", source: DATA });
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  await conn.run("LOAD icu; SET GLOBAL TimeZone = 'UTC'");
  await conn.run(`CREATE VIEW bench AS ${relationSql(source, source.files)}`);
  const plan = planQuery(parseQueryBody(BIG_PAGE), source.schema, {
    maxPageSize: 100_000,
  });
  const q = buildQuerySql(plan, quoteIdent("bench"), { multiFile: false });
  const out = await Deno.makeTempFile({ suffix: ".json" });
  const sql = `COPY (${q.sql}) TO '${out}' (FORMAT json, ARRAY true)`;
  return {
    time: () => timeIt(() => conn.run(sql, q.params)),
    async close() {
      conn.closeSync();
      db.closeSync();
      await Deno.remove(out);
    },
  };
}

/**
 * POSTs BIG_PAGE to `url` and reads the answer to its last byte. The chunks
 * are counted, not gathered: `Response.arrayBuffer()` on 10 MB costs the
 * client ~50 ms more here than the whole server's answer.
 */
export async function fetchBigPage(
  url: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const res = await fetch(`${url}/api/v1/datasets/accidents/query`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "accept-encoding": "identity",
      ...headers,
    },
    body: JSON.stringify(BIG_PAGE),
  });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  let bytes = 0;
  for await (const chunk of res.body!) bytes += chunk.length;
  return bytes;
}

/** BIG_PAGE as JSON over HTTP from `url` (identity encoding), median of 5 in ms. */
export function timeJsonPage(url: string): Promise<number> {
  return timeIt(() => fetchBigPage(url));
}

/** Per engine: each round's HTTP ms, writer ms and ratio, and the medians. */
export async function jsonPageSuite(
  engines: string[],
  rounds: number,
  out: string[],
): Promise<void> {
  const writer = await duckJsonWriter();
  out.push(
    "### JSON: 100,000 rows × 5 columns over HTTP against DuckDB's JSON writer",
    "",
    `answer cache off, identity encoding; each figure the median of 5 requests (or COPYs); ${rounds} rounds alternating which goes first`,
    "",
    "| engine | HTTP ms per round | writer ms per round | ratio per round | median ratio |",
    "|---|---|---|---|---|",
  );
  try {
    for (const engine of engines) {
      const srv = await datapress(engine, { cache_bytes: 0 });
      try {
        await builtAside(srv.url);
        // Warm both sides: JIT, DuckDB's caches, the server's buffers.
        await timeJsonPage(srv.url);
        await writer.time();
        const http: number[] = [], copy: number[] = [];
        for (let r = 0; r < rounds; r++) {
          if (r % 2 === 0) {
            http.push(await timeJsonPage(srv.url));
            copy.push(await writer.time());
          } else {
            copy.push(await writer.time());
            http.push(await timeJsonPage(srv.url));
          }
        }
        const ratios = http.map((h, i) => h / copy[i]!);
        const list = (xs: number[], d: number) =>
          xs.map((x) => x.toFixed(d)).join(" ");
        out.push(
          `| ${engine} | ${list(http, 0)} | ${list(copy, 0)} | ${
            list(ratios, 2)
          } | **${median(ratios).toFixed(2)}** |`,
        );
        console.error(out.at(-1));
      } finally {
        await srv.stop();
      }
    }
  } finally {
    await writer.close();
  }
  out.push("");
}
