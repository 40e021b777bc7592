/**
 * Long because the suites share its server, wrk, round and report helpers
 * and run from one command; it is a measuring script, not product code.
 *
 * Same-run ratios on a busy machine: each candidate server and its floor
 * (or its other candidate) are loaded with wrk in turn, alternating which
 * goes first, for several rounds; the figures are medians over the rounds
 * and the median of the per-round ratios.
 *
 *   deno run -A bench/ratios.ts [SUITE...] (suites: cache, http, http-cached, storage)
 *   RATIO_ROUNDS=5 RATIO_SECONDS=5 deno run -A bench/ratios.ts cache
 *
 * `cache`: a repeated group_by (and the eq page, count) on the DuckDB engine
 * with the answer cache, against the floor (bare Deno.serve reading the
 * same POST and writing the same bytes).
 * `http`: the memory engine's indexed eq page without the answer cache,
 * against its floor.
 * `storage`: the DuckDB engine with `storage: "view"` against `"table"`,
 * every query shape, answer cache off.
 */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { generateAccidents } from "../demo/generate.ts";
import { firstKeyBoundApplies } from "../engines/duckdb/engine.ts";
import { relationSql } from "../engines/duckdb/relation.ts";
import {
  buildCountSql,
  buildQuerySql,
  quoteIdent,
} from "../engines/duckdb/sql.ts";
import { parseCountBody, parseQueryBody } from "../query/parse.ts";
import { planCount, planQuery } from "../query/plan.ts";
import { resolveSource } from "../sources/resolve.ts";

const DATA = new URL("./data/accidents.parquet", import.meta.url).pathname;
const MAIN = new URL("../main.ts", import.meta.url).pathname;
const BASELINE = new URL("./baseline_server.ts", import.meta.url).pathname;
const LUA = new URL("./wrk_post.lua", import.meta.url).pathname;
const ROUNDS = Number(Deno.env.get("RATIO_ROUNDS") ?? 5);
const SECONDS = Number(Deno.env.get("RATIO_SECONDS") ?? 5);
const CONC = Number(Deno.env.get("RATIO_CONC") ?? 64);

type Body = Record<string, unknown>;
export const QUERIES: Record<string, { route: "query" | "count"; body: Body }> =
  {
    "selective eq, page 50": {
      route: "query",
      body: {
        predicates: [{ col: "Zipcode", op: "eq", val: "12345" }],
        page_size: 50,
      },
    },
    "eq City, page 50": {
      route: "query",
      body: {
        predicates: [{ col: "City", op: "eq", val: "Houston" }],
        page_size: 50,
      },
    },
    "count {}": { route: "count", body: {} },
    "count State eq TX": {
      route: "count",
      body: { predicates: [{ col: "State", op: "eq", val: "TX" }] },
    },
    "group_by State": {
      route: "query",
      body: {
        group_by: ["State"],
        aggregations: [{ op: "count" }, { op: "avg", col: "Severity" }],
      },
    },
    "order_by page 50": {
      route: "query",
      body: {
        columns: ["ID", "Start_Time", "State"],
        order_by: [{ col: "Start_Time", dir: "desc" }],
        page_size: 50,
      },
    },
  };

export interface Load {
  rps: number;
  p50: string;
  p99: string;
}

export async function wrk(url: string, body: string): Promise<Load> {
  const out = await new Deno.Command("wrk", {
    args: [
      "-t2",
      `-c${CONC}`,
      `-d${SECONDS}s`,
      "--timeout",
      "60s",
      "--latency",
      "-s",
      LUA,
      url,
    ],
    env: { BODY: body },
    stdout: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  if (non2xx) throw new Error(`wrk saw ${non2xx[1]} failed answers: ${url}`);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN),
    p50: /^\s+50%\s+(\S+)/m.exec(text)?.[1] ?? "?",
    p99: /^\s+99%\s+(\S+)/m.exec(text)?.[1] ?? "?",
  };
}

export interface Server {
  url: string;
  child: Deno.ChildProcess;
  readyMs: number;
  stop(): Promise<void>;
}

export async function spawn(args: string[]): Promise<Server> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env: { DATAPRESS_LOG: "error" },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let url = "";
  while (!url) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited: ${text}`);
    text += value;
    url = /listening on (\S+)/.exec(text)?.[1] ?? "";
  }
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  while (
    (await fetch(`${url}/readyz`).then((r) =>
      r.body?.cancel().then(() => r.status)
    )) !== 200
  ) {
    await new Promise((r) => setTimeout(r, 5));
  }
  return {
    url,
    child,
    readyMs: performance.now() - t0,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** A datapress server over the bench file with extra config keys. */
export async function datapress(
  engine: string,
  config: Body,
  dataset: Body = {},
): Promise<Server> {
  const file = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      ...config,
      datasets: [{ name: "accidents", source: DATA, ...dataset }],
    }),
  );
  return await spawn([
    "run",
    "-A",
    MAIN,
    "serve",
    "--config",
    file,
    "--engine",
    engine,
    "--port",
    "0",
    "--kv",
    ":memory:",
  ]);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

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
        rows[i]![side].push(s.run ? await s.run() : await wrk(s.url!, p.body));
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
  const floor = await spawn(["run", "-A", BASELINE, dir]);
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
    run: (name) => inProcess(sqlOf(name), conns),
    async close() {
      for (const c of conns) c.closeSync();
      db.closeSync();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** `q` with CONC requests in flight over `conns` for SECONDS. */
async function inProcess(
  q: { sql: string; params: string[] },
  conns: DuckDBConnection[],
): Promise<Load> {
  const idle = [...conns];
  const waiters: ((c: DuckDBConnection) => void)[] = [];
  const lat: number[] = [];
  const start = performance.now();
  const end = start + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONC }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const c = idle.pop() ??
        await new Promise<DuckDBConnection>((r) => waiters.push(r));
      try {
        await (await c.run(q.sql, q.params)).getRows();
      } finally {
        const w = waiters.shift();
        if (w) w(c);
        else idle.push(c);
      }
      lat.push(performance.now() - t);
    }
  }));
  lat.sort((a, b) => a - b);
  const at = (p: number) => `${lat[Math.floor(lat.length * p)]!.toFixed(1)}ms`;
  return {
    rps: lat.length / ((performance.now() - start) / 1000),
    p50: at(0.5),
    p99: at(0.99),
  };
}

async function storageSuite(out: string[]): Promise<void> {
  const table = await datapress("duckdb", { cache_bytes: 0 }, {
    storage: "table",
  });
  // The table is built in the background after ready.
  const t0 = performance.now();
  for (;;) {
    const r = await fetch(`${table.url}/api/v1/datasets`).then((r) => r.json());
    if (r.datasets?.[0]?.storage === "table") break;
    await new Promise((r) => setTimeout(r, 50));
  }
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
    else throw new Error(`unknown suite ${s}`);
  }
  console.log(out.join("\n"));
}
