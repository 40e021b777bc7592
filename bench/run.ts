/**
 * One benchmark run, every figure against a baseline measured in the same run:
 * a bare Deno.serve, and DuckDB called in-process with the same SQL.
 *
 *   deno task bench            (needs `wrk`: apt-get install -y wrk)
 *   BENCH_SECONDS=10 BENCH_ENGINES=duckdb,memory deno task bench
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { generateAccidents } from "../demo/generate.ts";
import { parseQueryBody } from "../query/parse.ts";
import { planQuery } from "../query/plan.ts";
import {
  buildCountSql,
  buildQuerySql,
  quoteIdent,
} from "../engines/duckdb/sql.ts";
import type { QueryRequest } from "../query/types.ts";
import { resolveSource } from "../sources/resolve.ts";
import { relationSql } from "../engines/duckdb/relation.ts";
import {
  builtAside,
  datapress,
  inProcess,
  type Load,
  peakRssMb,
  QUERIES as ALL_QUERIES,
  rssMb,
  spawnServer,
  timeIt,
  wrk,
} from "./_load.ts";
import { BIG_PAGE, fetchBigPage } from "./_json_page.ts";

const DATA = new URL("./data/accidents.parquet", import.meta.url).pathname;
const ROWS = Number(Deno.env.get("BENCH_ROWS") ?? 2_000_000);
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 5);
const SHAPE = { seconds: SECONDS, concurrency: 64 };
const ENGINES = (Deno.env.get("BENCH_ENGINES") ?? "duckdb").split(",");
const ADMIN_TOKEN = "bench-reload";

// The shapes of every run (bench/ratios.ts measures the others).
const QUERIES = Object.fromEntries(
  ["selective eq, page 50", "count {}", "group_by State", "order_by page 50"]
    .map((name) => [name, ALL_QUERIES[name]!]),
);

/**
 * Reloads the dataset and measures it: load time (the reload's own
 * elapsed_ms) and peak RSS during the reload over the steady RSS before it.
 * Writing 5 to clear_refs resets the kernel's peak-RSS mark.
 */
async function measureReload(
  url: string,
  pid: number,
): Promise<{ ms: number; steadyMb: number; peakMb: number }> {
  const steadyMb = await rssMb(pid, "VmRSS");
  await Deno.writeTextFile(`/proc/${pid}/clear_refs`, "5");
  const res = await fetch(`${url}/api/v1/datasets/accidents/reload`, {
    method: "POST",
    headers: { "x-admin-token": ADMIN_TOKEN },
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`reload failed: ${JSON.stringify(body)}`);
  return { ms: body.elapsed_ms, steadyMb, peakMb: await peakRssMb(pid) };
}

const lines: string[] = [];
const say = (s: string) => {
  console.log(s);
  lines.push(s);
};

try {
  await Deno.stat(DATA);
} catch {
  console.log(`generating ${ROWS} rows into ${DATA}…`);
  await Deno.mkdir(new URL("./data/", import.meta.url), { recursive: true });
  await generateAccidents(DATA, ROWS);
}
const size = (await Deno.stat(DATA)).size;
say(
  `data: ${DATA.split("/").pop()} ${ROWS.toLocaleString()} rows, ${
    (size / 1e6).toFixed(1)
  } MB; wrk -t2 -c${SHAPE.concurrency} -d${SECONDS}s; ${navigator.hardwareConcurrency} cores`,
);
say("");

const base = await spawnServer([
  "run",
  "-A",
  new URL("./baseline_server.ts", import.meta.url).pathname,
]);
const baseline = await wrk(SHAPE, `${base.url}/`);
base.child.kill("SIGTERM");
await base.child.status;
say(`| measurement | rps | p50 | p99 | ratio |`);
say(`|---|---|---|---|---|`);
say(
  `| bare Deno.serve JSON (baseline) | ${
    baseline.rps.toFixed(0)
  } | ${baseline.p50} | ${baseline.p99} | 1.00 |`,
);

// In-process DuckDB: the same view and the same SQL text the engine runs.
const source = await resolveSource({ name: "accidents", source: DATA });
const schema = source.schema;
const db = await DuckDBInstance.create(":memory:");
const conns = await Promise.all(
  Array.from(
    { length: Math.max(2, navigator.hardwareConcurrency) },
    () => db.connect(),
  ),
);
await conns[0]!.run("LOAD icu; SET GLOBAL TimeZone = 'UTC'");
await conns[0]!.run(
  `CREATE VIEW bench AS ${relationSql(source, source.files)}`,
);
const rel = quoteIdent("bench");
const sqlFor = (q: typeof QUERIES[string]) => {
  if (q.route === "count") return buildCountSql([], rel);
  const plan = planQuery(parseQueryBody(q.body), schema, {
    maxPageSize: 100_000,
  });
  return buildQuerySql(plan, rel, { multiFile: false });
};
const inproc: Record<string, Load> = {};
for (const [name, q] of Object.entries(QUERIES)) {
  const s = sqlFor(q);
  inproc[name] = await inProcess(SHAPE, () => s, conns);
  say(
    `| in-process DuckDB: ${name} | ${inproc[name]!.rps.toFixed(0)} | ${
      inproc[name]!.p50
    } | ${inproc[name]!.p99} | ${
      (inproc[name]!.rps / baseline.rps).toFixed(2)
    } of baseline |`,
  );
}

const bigPlan = planQuery(parseQueryBody(BIG_PAGE) as QueryRequest, schema, {
  maxPageSize: 100_000,
});
const bigSql = buildQuerySql(bigPlan, rel, { multiFile: false });
const inprocPage = await timeIt(async () =>
  (await conns[0]!.run(bigSql.sql, bigSql.params)).getRows()
);
const jsonOut = await Deno.makeTempFile({ suffix: ".json" });
const duckJson = await timeIt(() =>
  conns[0]!.run(
    `COPY (${bigSql.sql}) TO '${jsonOut}' (FORMAT json, ARRAY true)`,
    bigSql.params,
  )
);
const ctasMs = await timeIt(async () => {
  await conns[0]!.run(
    `CREATE OR REPLACE TEMP TABLE ctas AS SELECT * FROM ${rel}`,
  );
  await conns[0]!.run("DROP TABLE ctas");
}, 3);
say("");

// Answers of the small queries, kept to serve from the bare floor server.
const FLOORS = ["count {}", "selective eq, page 50", "group_by State"];
const cannedDir = await Deno.makeTempDir({ prefix: "datapress-bench-" });
const engineRps = new Map<string, Map<string, number>>();

for (const engine of ENGINES) {
  // The engines' own figures: the answer cache would answer every repeated
  // request after the first (bench/ratios.ts measures it against the floor).
  const srv = await datapress(engine, { cache_bytes: 0 }, {}, { ADMIN_TOKEN });
  say(
    `### engine ${engine}: ready in ${
      srv.readyMs.toFixed(0)
    } ms from spawn (process start, module load, dataset load)`,
  );
  {
    // The dataset answers at once; the figures below are those of the
    // DuckDB engine's native table, the memory engine's indexes.
    const t0 = performance.now();
    await builtAside(srv.url);
    say("");
    say(
      `${engine === "duckdb" ? "native table swapped in" : "indexes built"} ${
        (performance.now() - t0 + srv.readyMs).toFixed(0)
      } ms from spawn (the dataset answered meanwhile)`,
    );
  }
  const reload = await measureReload(srv.url, srv.child.pid);
  // The reloaded version answers before its own table or indexes are built.
  await builtAside(srv.url);
  say("");
  say(
    `reload right after start (build aside, then swap): ${reload.ms} ms = ${
      (reload.ms / ctasMs).toFixed(2)
    }× DuckDB's CREATE TABLE AS of the same view (${
      ctasMs.toFixed(0)
    } ms); peak RSS during the reload ${reload.peakMb.toFixed(0)} MB = ${
      (reload.peakMb / reload.steadyMb).toFixed(2)
    }× the ${reload.steadyMb.toFixed(0)} MB steady RSS before it`,
  );
  say("");
  say(`| ${engine} | rps | p50 | p99 | vs baseline | vs in-process DuckDB |`);
  say(`|---|---|---|---|---|---|`);
  for (const [name, q] of Object.entries(QUERIES)) {
    const r = await wrk(
      SHAPE,
      `${srv.url}/api/v1/datasets/accidents/${q.route}`,
      JSON.stringify(q.body),
    );
    say(
      `| ${name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${
        (r.rps / baseline.rps).toFixed(2)
      } | ${(r.rps / inproc[name]!.rps).toFixed(2)} |`,
    );
    const rates = engineRps.get(engine) ?? new Map<string, number>();
    engineRps.set(engine, rates.set(name, r.rps));
    if (FLOORS.includes(name)) {
      const res = await fetch(
        `${srv.url}/api/v1/datasets/accidents/${q.route}`,
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(q.body),
        },
      );
      await Deno.writeFile(
        `${cannedDir}/${FLOORS.indexOf(name)}.json`,
        new Uint8Array(await res.arrayBuffer()),
      );
    }
  }
  const post = (headers: Record<string, string>) =>
    fetchBigPage(srv.url, headers);
  const arrowMs = await timeIt(() =>
    post({ accept: "application/vnd.apache.arrow.stream" })
  );
  const jsonMs = await timeIt(() => post({}));
  say("");
  say(`| 100,000 rows × 5 columns | ms | ratio |`);
  say(`|---|---|---|`);
  say(`| in-process DuckDB (query + rows) | ${inprocPage.toFixed(0)} | 1.00 |`);
  say(
    `| DuckDB's own JSON writer (COPY … FORMAT json) | ${
      duckJson.toFixed(0)
    } | 1.00 |`,
  );
  say(
    `| ${engine} Arrow over HTTP | ${arrowMs.toFixed(0)} | ${
      (arrowMs / inprocPage).toFixed(2)
    }× in-process |`,
  );
  say(
    `| ${engine} JSON over HTTP | ${jsonMs.toFixed(0)} | ${
      (jsonMs / duckJson).toFixed(2)
    }× DuckDB JSON writer |`,
  );
  say("");
  say(
    `peak RSS of the ${engine} server: ${
      (await peakRssMb(srv.child.pid)).toFixed(0)
    } MB`,
  );
  say("");
  srv.child.kill("SIGTERM");
  await srv.child.status;
}
for (const c of conns) c.closeSync();
db.closeSync();

// The floor of a POST answer: a bare Deno.serve reading the same body and
// sending the same bytes (as the last engine answered them), nothing else.
const floor = await spawnServer([
  "run",
  "-A",
  new URL("./baseline_server.ts", import.meta.url).pathname,
  cannedDir,
]);
say(
  "### floors: bare Deno.serve reading the same POST body, sending the same answer bytes",
);
say("");
say(
  `| query | rps | p50 | p99 | vs baseline | ${
    ENGINES.map((e) => `${e} vs floor`).join(" | ")
  } |`,
);
say(`|---|---|---|---|---|${ENGINES.map(() => "---|").join("")}`);
for (const [i, name] of FLOORS.entries()) {
  const r = await wrk(
    SHAPE,
    `${floor.url}/${i}`,
    JSON.stringify(QUERIES[name]!.body),
  );
  say(
    `| ${name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${
      (r.rps / baseline.rps).toFixed(2)
    } | ${
      ENGINES.map((e) =>
        ((engineRps.get(e)?.get(name) ?? NaN) / r.rps).toFixed(2)
      ).join(" | ")
    } |`,
  );
}
say("");
floor.child.kill("SIGTERM");
await floor.child.status;
await Deno.remove(cannedDir, { recursive: true });

const readme = new URL("./README.md", import.meta.url);
const doc = await Deno.readTextFile(readme).catch(() => "");
const marker = "<!-- figures -->";
const head = doc.includes(marker) ? doc.slice(0, doc.indexOf(marker)) : doc;
await Deno.writeTextFile(
  readme,
  `${head}${marker}\n\nLatest run (${
    new Date().toISOString().slice(0, 10)
  }):\n\n${lines.join("\n")}\n`,
);
// Keep the generated tables in the project's formatting.
await new Deno.Command(Deno.execPath(), {
  args: ["fmt", readme.pathname],
  stdout: "null",
  stderr: "null",
}).output();
