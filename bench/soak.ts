/**
 * The soak: minutes of mixed load against a real server process, per
 * engine: good queries and counts, exports aborted at random points, slow
 * clients trickling bodies, malformed bodies, and a reload (with new data)
 * every few seconds. It reports requests served, unexpected answers (a 5xx,
 * a hang, a wrong status or a dropped connection on a good request: must be
 * 0) and the server's RSS at start, peak and end.
 *
 *   deno task soak [MINUTES=1] [duckdb|memory ...]
 *
 * SOAK_V8_FLAGS is passed to the server as --v8-flags: `--prof` leaves an
 * isolate log in the working directory for `node --prof-process`.
 * SOAK_ROWS sets the rows per data file (200,000): from 250,000 the memory
 * engine builds each version's indexes in the background, so reloads close
 * versions whose build is still running.
 */
import { generateAccidents } from "../demo/generate.ts";

export interface SoakResult {
  engine: string;
  seconds: number;
  served: number;
  unexpected: string[];
  rssStartMb: number;
  rssPeakMb: number;
  /** RSS as each tenth of the run begins: a leak climbs, a plateau does not. */
  rssTenthsMb: number[];
  /** What the answer cache held at the end (bounded by cache_bytes). */
  cacheMb: number;
  rssEndMb: number;
  /** How long each reload took, as its client saw it. */
  reloadMs: number[];
}

const V8_FLAGS = Deno.env.get("SOAK_V8_FLAGS");
const MAIN = new URL("../main.ts", import.meta.url).pathname;
const TOKEN = "soak-token";
const DS = "/api/v1/datasets/soak";

const GOOD = [
  { predicates: [{ col: "State", op: "eq", val: "TX" }], page_size: 50 },
  { group_by: ["State"], aggregations: [{ op: "count" }] },
  { order_by: [{ col: "Severity", dir: "desc" }], page_size: 50 },
  {
    columns: ["ID", "City"],
    predicates: [{ col: "City", op: "like", val: "S%" }],
  },
  { distinct: true, columns: ["Severity"] },
];
const BAD = [
  "{",
  "[]",
  '{"columns":"ID"}',
  '{"predicates":[{"col":"nope","op":"eq","val":1}]}',
  '{"predicates":[{"col":"Severity","op":"eq","val":"x"}]}',
  '{"page_size":-1}',
  '{"order_by":[{"col":"ID","dir":"sideways"}]}',
  '{"unknown_key":true}',
  "\u0000\u0001",
  JSON.stringify({ columns: Array(5000).fill("ID") }),
];

function rssMb(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function startServer(
  engine: string,
  dataPath: string,
  dir: string,
): Promise<{ child: Deno.ChildProcess; base: string }> {
  const config = `${dir}/config.json`;
  await Deno.writeTextFile(
    config,
    JSON.stringify({
      backend: engine,
      metrics_enabled: true,
      export_idle_timeout_ms: 2000,
      body_timeout_ms: 2000,
      // A memory-engine reload under this load takes ~20 s (its JS queries
      // keep the event loop the decode's DuckDB calls resolve on busy).
      request_timeout_ms: 60000,
      // The RSS comparison is about leaks: with a grace period the memory
      // engine rightly keeps the previous version's copy as well.
      version_grace_secs: 0,
      datasets: [{ name: "soak", source: dataPath }],
    }),
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...(V8_FLAGS ? [`--v8-flags=${V8_FLAGS}`] : []),
      MAIN,
      "serve",
      "--config",
      config,
      "--port",
      "0",
      "--kv",
      `${dir}/kv.sqlite3`,
    ],
    stdout: "piped",
    stderr: "inherit",
    env: {
      ADMIN_TOKEN: TOKEN,
      DATAPRESS_LOG: Deno.env.get("DATAPRESS_LOG") ?? "error",
    },
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`soak server exited: ${text}`);
    text += value;
    const m = /listening on (http:\/\/\S+)/.exec(text);
    if (m) {
      reader.releaseLock();
      return { child, base: m[1]! };
    }
  }
}

/** Runs the soak for `seconds` on one engine; `rows` per data file. */
export async function soak(
  engine: "duckdb" | "memory",
  seconds: number,
  rows = 200_000,
): Promise<SoakResult> {
  const dir = await Deno.makeTempDir({ prefix: "datapress-soak-" });
  const data = `${dir}/soak.parquet`;
  // Two versions of the data; reloads swap them in by rename.
  await generateAccidents(`${dir}/a.parquet`, rows);
  await generateAccidents(`${dir}/b.parquet`, rows + 1000);
  await Deno.copyFile(`${dir}/a.parquet`, data);
  const { child, base } = await startServer(engine, data, dir);
  const port = Number(new URL(base).port);
  const unexpected: string[] = [];
  let served = 0;
  const fail = (what: string) => {
    if (unexpected.length < 50) unexpected.push(what);
  };
  const post = async (
    path: string,
    body: string,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      signal: AbortSignal.timeout(60_000),
    });
    await res.arrayBuffer();
    served++;
    return res.status;
  };

  let until = 0;
  const running = () => performance.now() < until;
  let sampling = false;
  let rssPeakMb = 0;
  let rnd = 0x9e3779b9;
  const random = () => {
    rnd ^= rnd << 13;
    rnd ^= rnd >>> 17;
    rnd ^= rnd << 5;
    return (rnd >>> 0) / 4294967296;
  };
  const pick = <T>(a: T[]) => a[Math.floor(random() * a.length)]!;

  const good = async () => {
    while (running()) {
      const body = JSON.stringify(pick(GOOD));
      const route = random() < 0.2 ? "count" : "query";
      const sent = route === "count"
        ? JSON.stringify({ predicates: pick(GOOD).predicates ?? [] })
        : body;
      try {
        const status = await post(`${DS}/${route}`, sent, {
          "accept-encoding": pick(["identity", "gzip", "br", "zstd"]),
        });
        if (status !== 200) fail(`${route} ${sent}: ${status}`);
      } catch (e) {
        fail(`${route} ${sent}: ${e}`);
      }
    }
  };
  const bad = async () => {
    while (running()) {
      const body = pick(BAD);
      try {
        const status = await post(`${DS}/query`, body);
        if (status < 400 || status >= 500) fail(`bad body ${body}: ${status}`);
      } catch (e) {
        fail(`bad body ${body}: ${e}`);
      }
      await sleep(5);
    }
  };
  const abortedExports = async () => {
    while (running()) {
      const ctrl = new AbortController();
      const fmt = pick(["csv", "ndjson"]);
      setTimeout(() => ctrl.abort(), 5 + random() * 200);
      try {
        const res = await fetch(`${base}${DS}/query?format=${fmt}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
          signal: ctrl.signal,
        });
        await res.arrayBuffer();
        served++;
      } catch (e) {
        if (!ctrl.signal.aborted) fail(`export: ${e}`);
        served++;
      }
    }
  };
  const slowClients = async () => {
    while (running()) {
      const conns: Deno.Conn[] = [];
      for (let i = 0; i < 20; i++) {
        const c = await Deno.connect({ hostname: "127.0.0.1", port });
        await c.write(
          new TextEncoder().encode(
            `POST ${DS}/count HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
          ),
        );
        conns.push(c);
      }
      await sleep(500 + random() * 2500);
      for (const c of conns) c.close();
      served += conns.length;
    }
  };
  const reloads = async () => {
    let flip = false;
    while (running()) {
      await sleep(3000);
      if (!running()) break;
      flip = !flip;
      const next = `${dir}/next.parquet`;
      await Deno.copyFile(`${dir}/${flip ? "b" : "a"}.parquet`, next);
      await Deno.rename(next, data);
      const t0 = performance.now();
      try {
        const status = await post(`${DS}/reload`, "", {
          "x-admin-token": TOKEN,
        });
        if (status !== 200) fail(`reload: ${status}`);
      } catch (e) {
        fail(`reload: ${e}`);
      }
      reloadMs.push(performance.now() - t0);
    }
  };
  const reloadMs: number[] = [];
  const rssTenthsMb: number[] = [];
  const sampler = async () => {
    const started = performance.now();
    while (running()) {
      const rss = rssMb(child.pid);
      rssPeakMb = Math.max(rssPeakMb, rss);
      const tenth = Math.floor((performance.now() - started) / (seconds * 100));
      if (tenth >= rssTenthsMb.length) rssTenthsMb.push(rss);
      await sleep(250);
    }
  };
  const mixedLoad = (secs: number) => {
    until = performance.now() + secs * 1000;
    return Promise.all([
      good(),
      good(),
      good(),
      bad(),
      abortedExports(),
      slowClients(),
      reloads(),
      ...(sampling ? [sampler()] : []),
    ]);
  };
  // Everything a request took must be back (streams wind down as their
  // clients' aborts reach them: up to 10 s on a saturated machine); then
  // RSS is read.
  const gauges = [
    "datapress_engine_connections_in_use",
    "datapress_dataset_leases",
    "datapress_open_exports",
  ];
  let metrics = "";
  const settle = async (when: string) => {
    let held: number[] = [];
    for (let i = 0; i < 40; i++) {
      await sleep(250);
      metrics = await (await fetch(`${base}/metrics`)).text();
      held = gauges.map((g) =>
        Number(new RegExp(`^${g} (\\d+)$`, "m").exec(metrics)?.[1])
      );
      if (held.every((v) => v === 0)) break;
    }
    gauges.forEach((g, i) => {
      if (held[i] !== 0) fail(`${g} is ${held[i]} 10 s after the ${when}`);
    });
    await sleep(1000);
    return rssMb(child.pid);
  };

  // The post-load level: RSS after a warm-up under the same mixed load, so
  // that every path's working memory (reloads, exports, compression, slow
  // clients) is in it, read the same way as the end.
  await mixedLoad(Math.min(60, seconds / 4));
  const rssStartMb = await settle("warm-up");
  rssPeakMb = rssStartMb;
  sampling = true;
  await mixedLoad(seconds);
  const rssEndMb = await settle("soak");
  // Memory held by design, bounded by cache_bytes.
  const cacheMb = Number(
    /^datapress_answer_cache_bytes (\d+)$/m.exec(metrics)?.[1] ?? 0,
  ) / 2 ** 20;
  child.kill("SIGTERM");
  const status = await child.status;
  if (status.code !== 0) fail(`server exited with ${status.code}`);
  await child.stdout.cancel().catch(() => {});
  await Deno.remove(dir, { recursive: true });
  return {
    engine,
    seconds,
    served,
    unexpected,
    rssStartMb,
    rssPeakMb,
    rssTenthsMb,
    cacheMb,
    rssEndMb,
    reloadMs,
  };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

export function formatSoak(r: SoakResult): string {
  return `${r.engine}: ${r.seconds} s, ${r.served} requests, ${r.unexpected.length} unexpected; ` +
    `RSS start ${r.rssStartMb.toFixed(0)} MB, peak ${
      r.rssPeakMb.toFixed(0)
    } MB, end ${r.rssEndMb.toFixed(0)} MB (${
      ((r.rssEndMb / r.rssStartMb - 1) * 100).toFixed(1)
    } % over start); ${r.reloadMs.length} reloads, median ${
      median(r.reloadMs).toFixed(0)
    } ms, max ${
      Math.max(0, ...r.reloadMs).toFixed(0)
    } ms; RSS at each tenth of the run: ${
      r.rssTenthsMb.map((v) => v.toFixed(0)).join(" ")
    } MB; answer cache ${r.cacheMb.toFixed(1)} MB`;
}

if (import.meta.main) {
  const minutes = Number(Deno.args[0] ?? 1);
  const engines = Deno.args.slice(1).length > 0
    ? Deno.args.slice(1) as ("duckdb" | "memory")[]
    : ["duckdb", "memory"] as const;
  let bad = 0;
  for (const engine of engines) {
    const r = await soak(
      engine,
      minutes * 60,
      Number(Deno.env.get("SOAK_ROWS") ?? 200_000),
    );
    console.log(formatSoak(r));
    for (const u of r.unexpected) console.log(`  unexpected: ${u}`);
    bad += r.unexpected.length;
  }
  Deno.exit(bad === 0 ? 0 : 1);
}
