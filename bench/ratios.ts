/**
 * Same-run ratios on a busy machine: each candidate server and its floor
 * (or its other candidate) are loaded with wrk in turn, alternating which
 * goes first, for several rounds; the figures are medians over the rounds
 * and the median of the per-round ratios.
 *
 *   deno run -A bench/ratios.ts [SUITE...] (suites: cache, http, http-cached, storage, json)
 *   RATIO_ROUNDS=5 RATIO_SECONDS=5 deno run -A bench/ratios.ts cache
 *
 * `cache`: a repeated group_by (and the eq page, count) on the DuckDB engine
 * with the answer cache, against the floor (bare Deno.serve reading the
 * same POST and writing the same bytes).
 * `http`: the memory engine's indexed eq page without the answer cache,
 * against its floor.
 * `storage`: the DuckDB engine with `storage: "view"` against `"table"`,
 * every query shape, answer cache off.
 * `json`: the 100,000-row JSON page on both engines against DuckDB's own
 * JSON writer, RATIO_ROUNDS rounds (bench/_json_page.ts).
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { generateAccidents } from "../demo/generate.ts";
import { firstKeyBoundApplies } from "../engines/duckdb/sql.ts";
import { relationSql } from "../engines/duckdb/relation.ts";
import {
  buildCountSql,
  buildQuerySql,
  quoteIdent,
} from "../engines/duckdb/sql.ts";
import { parseCountBody, parseQueryBody } from "../query/parse.ts";
import { planCount, planQuery } from "../query/plan.ts";
import { resolveSource } from "../sources/resolve.ts";
import {
  builtAside,
  datapress,
  inProcess,
  type Load,
  median,
  QUERIES,
  type Server,
  spawnServer,
  wrk,
} from "./_load.ts";
import { jsonPageSuite } from "./_json_page.ts";

const DATA = new URL("./data/accidents.parquet", import.meta.url).pathname;
const BASELINE = new URL("./baseline_server.ts", import.meta.url).pathname;
const ROUNDS = Number(Deno.env.get("RATIO_ROUNDS") ?? 5);
const SECONDS = Number(Deno.env.get("RATIO_SECONDS") ?? 5);
const CONC = Number(Deno.env.get("RATIO_CONC") ?? 64);

type Body = Record<string, unknown>;
const SHAPE = { seconds: SECONDS, concurrency: CONC };

async function loadavg(): Promise<string> {
  return (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3)
    .join(" ");
}

/** A side of a pair: a URL for wrk, or a load run in this process. */
interface Side {
  name: string;
  url?: string;
  run?: () => Promise<Load>;
}

interface Pair {
  label: string;
  a: Side;
  b: Side;
  body: string;
}

/** Runs every pair for ROUNDS rounds, A and B alternating who goes first. */
async function compare(pairs: Pair[], out: string[]): Promise<void> {
  const rows = pairs.map(() => ({ a: [] as Load[], b: [] as Load[] }));
  const loads: string[] = [await loadavg()];
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, p] of pairs.entries()) {
      const first = r % 2 === 0 ? "a" : "b";
      for (
        const side of first === "a" ? ["a", "b"] as const : ["b", "a"] as const
      ) {
        const s = p[side];
        rows[i]![side].push(
          s.run ? await s.run() : await wrk(SHAPE, s.url!, p.body),
        );
      }
    }
    loads.push(await loadavg());
    console.error(`round ${r + 1}/${ROUNDS} done, load ${loads.at(-1)}`);
  }
  out.push(
    `| query | ${pairs[0]!.a.name} rps (median) | p50 / p99 | ${
      pairs[0]!.b.name
    } rps (median) | p50 / p99 | ratio of medians | median of ratios | per-round ratios |`,
    "|---|---|---|---|---|---|---|---|",
  );
  for (const [i, p] of pairs.entries()) {
    const { a, b } = rows[i]!;
    const ra = median(a.map((x) => x.rps));
    const rb = median(b.map((x) => x.rps));
    const per = a.map((x, j) => x.rps / b[j]!.rps);
    const mid = (ls: Load[], rps: number) =>
      ls.reduce((best, x) =>
        Math.abs(x.rps - rps) < Math.abs(best.rps - rps) ? x : best
      );
    const ma = mid(a, ra), mb = mid(b, rb);
    out.push(
      `| ${p.label} | ${ra.toFixed(0)} | ${ma.p50} / ${ma.p99} | ${
        rb.toFixed(0)
      } | ${mb.p50} / ${mb.p99} | ${(ra / rb).toFixed(2)} | ${
        median(per).toFixed(2)
      } | ${per.map((x) => x.toFixed(2)).join(" ")} |`,
    );
  }
  out.push("", `load average (1/5/15 min) per round: ${loads.join("; ")}`);
}

/** Each query's answer bytes, as `server` sends them, for the floor server. */
async function canned(server: Server, names: string[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "datapress-ratio-" });
  for (const [i, name] of names.entries()) {
    const q = QUERIES[name]!;
    const res = await fetch(
      `${server.url}/api/v1/datasets/accidents/${q.route}`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(q.body),
      },
    );
    if (!res.ok) throw new Error(`${name}: ${res.status} ${await res.text()}`);
    await Deno.writeFile(`${dir}/${i}.json`, await res.bytes());
  }
  return dir;
}

async function floorSuite(
  title: string,
  engine: string,
  config: Body,
  names: string[],
  out: string[],
): Promise<void> {
  const srv = await datapress(engine, config);
  const dir = await canned(srv, names);
  const floor = await spawnServer(["run", "-A", BASELINE, dir]);
  try {
    out.push(
      `### ${title}`,
      "",
      `${engine} engine, config ${
        JSON.stringify(config)
      }; wrk -t2 -c${CONC} -d${SECONDS}s, ${ROUNDS} rounds; floor = bench/baseline_server.ts sending the same bytes`,
      "",
    );
    await compare(
      names.map((name, i) => ({
        label: name,
        a: {
          name: "datapress",
          url: `${srv.url}/api/v1/datasets/accidents/${QUERIES[name]!.route}`,
        },
        b: { name: "floor", url: `${floor.url}/${i}` },
        body: JSON.stringify(QUERIES[name]!.body),
      })),
      out,
    );
    out.push("");
  } finally {
    await srv.stop();
    await floor.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * DuckDB in this process on the storage the engine uses: the same file
 * database, table and SQL text, 2 threads, CONC requests in flight over
 * a pool of 2 connections (the server's), for SECONDS.
 */
async function inProcessTable(): Promise<{
  run: (name: string) => Promise<Load>;
  close: () => Promise<void>;
}> {
  const source = await resolveSource({ name: "accidents", source: DATA });
  const dir = await Deno.makeTempDir({ prefix: "datapress-inproc-" });
  const db = await DuckDBInstance.create(":memory:", { threads: "2" });
  const conns = [await db.connect(), await db.connect()];
  const c0 = conns[0]!;
  await c0.run("LOAD icu; SET GLOBAL TimeZone = 'UTC'");
  await c0.run(`CREATE VIEW v AS ${relationSql(source, source.files)}`);
  await c0.run(`ATTACH '${dir}/tables.duckdb' AS t`);
  await c0.run(`CREATE TABLE t.main.data AS SELECT * FROM v`);
  const rel = `${quoteIdent("t")}.main.${quoteIdent("data")}`;
  const nonNull = new Map<string, number>();
  const counts = (await c0.runAndReadAll(
    `SELECT ${
      source.schema.fields.map((f) => `count(${quoteIdent(f.name)})::BIGINT`)
        .join(", ")
    } FROM ${rel}`,
  )).getRows()[0]!;
  source.schema.fields.forEach((f, i) =>
    nonNull.set(f.name, Number(counts[i] as bigint))
  );
  const sqlOf = (name: string) => {
    const q = QUERIES[name]!;
    if (q.route === "count") {
      return buildCountSql(
        planCount(parseCountBody(q.body), source.schema),
        rel,
      );
    }
    const plan = planQuery(parseQueryBody(q.body), source.schema, {
      maxPageSize: 100_000,
    });
    return buildQuerySql(plan, rel, {
      multiFile: false,
      firstKeyBound: firstKeyBoundApplies(plan, nonNull),
    });
  };
  return {
    run: (name) => {
      const q = sqlOf(name);
      return inProcess(SHAPE, () => q, conns);
    },
    async close() {
      for (const c of conns) c.closeSync();
      db.closeSync();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function storageSuite(out: string[]): Promise<void> {
  const table = await datapress("duckdb", { cache_bytes: 0 }, {
    storage: "table",
  });
  // The table is built in the background after ready.
  const t0 = performance.now();
  await builtAside(table.url);
  const built = performance.now() - t0 + table.readyMs;
  const view = await datapress("duckdb", { cache_bytes: 0 }, {
    storage: "view",
  });
  let viewStopped = false;
  try {
    out.push(
      "### DuckDB engine: storage table against view (answer cache off)",
      "",
      `ready: table server ${table.readyMs.toFixed(0)} ms (table swapped in ${
        built.toFixed(0)
      } ms from spawn), view server ${
        view.readyMs.toFixed(0)
      } ms; wrk -t2 -c${CONC} -d${SECONDS}s, ${ROUNDS} rounds`,
      "",
    );
    const names = Object.keys(QUERIES).filter((n) => n !== "count {}");
    await compare(
      names.map((name) => ({
        label: name,
        a: {
          name: "table",
          url: `${table.url}/api/v1/datasets/accidents/${QUERIES[name]!.route}`,
        },
        b: {
          name: "view",
          url: `${view.url}/api/v1/datasets/accidents/${QUERIES[name]!.route}`,
        },
        body: JSON.stringify(QUERIES[name]!.body),
      })),
      out,
    );
    out.push("");
    // The table server against DuckDB in this process on the same storage,
    // the view server stopped first.
    await view.stop();
    viewStopped = true;
    const inproc = await inProcessTable();
    try {
      out.push(
        "#### the table server against in-process DuckDB on the same storage (same file database, table and SQL, 2 threads, 2 connections, 64 in flight)",
        "",
      );
      await compare(
        names.map((name) => ({
          label: name,
          a: {
            name: "table server",
            url: `${table.url}/api/v1/datasets/accidents/${
              QUERIES[name]!.route
            }`,
          },
          b: { name: "in-process", run: () => inproc.run(name) },
          body: JSON.stringify(QUERIES[name]!.body),
        })),
        out,
      );
      out.push("");
    } finally {
      await inproc.close();
    }
  } finally {
    await table.stop();
    if (!viewStopped) await view.stop();
  }
}

if (import.meta.main) {
  try {
    await Deno.stat(DATA);
  } catch {
    await Deno.mkdir(new URL("./data/", import.meta.url), { recursive: true });
    await generateAccidents(DATA, 2_000_000);
  }
  const suites = Deno.args.length > 0 ? Deno.args : ["cache", "http"];
  const out: string[] = [];
  for (const s of suites) {
    if (s === "cache") {
      await floorSuite(
        "answer cache: repeated requests against the floor",
        "duckdb",
        {},
        ["group_by State", "selective eq, page 50", "count State eq TX"],
        out,
      );
    } else if (s === "http") {
      await floorSuite(
        "HTTP path: memory engine, indexed eq page, no answer cache",
        "memory",
        { cache_bytes: 0 },
        ["selective eq, page 50", "count {}"],
        out,
      );
    } else if (s === "http-cached") {
      await floorSuite(
        "HTTP path: memory engine, indexed eq page, answer cache on (repeated requests are hits)",
        "memory",
        {},
        ["selective eq, page 50", "count {}"],
        out,
      );
    } else if (s === "storage") await storageSuite(out);
    else if (s === "json") {
      await jsonPageSuite(["duckdb", "memory"], ROUNDS, out);
    } else throw new Error(`unknown suite ${s}`);
  }
  console.log(out.join("\n"));
}
