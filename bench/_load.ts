/**
 * Load and measurement tools the benchmarks share: wrk against a server,
 * the same concurrency against DuckDB in-process, a server process started
 * until ready, RSS readings and a median timer.
 */

/** How hard and how long a load runs. */
export interface LoadShape {
  seconds: number;
  /** Requests in flight. */
  concurrency: number;
}

export interface Load {
  rps: number;
  p50: string;
  p99: string;
}

export async function wrk(
  shape: LoadShape,
  url: string,
  body?: string,
): Promise<Load> {
  const args = [
    "-t2",
    `-c${shape.concurrency}`,
    `-d${shape.seconds}s`,
    "--timeout",
    "60s",
    "--latency",
  ];
  if (body !== undefined) {
    args.push("-s", new URL("./wrk_post.lua", import.meta.url).pathname);
  }
  const out = await new Deno.Command("wrk", {
    args: [...args, url],
    env: { BODY: body ?? "" },
    stdout: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  if (non2xx) {
    throw new Error(`wrk saw ${non2xx[1]} failed answers for ${url} ${body}`);
  }
  return {
    rps,
    p50: /^\s+50%\s+(\S+)/m.exec(text)?.[1] ?? "?",
    p99: /^\s+99%\s+(\S+)/m.exec(text)?.[1] ?? "?",
  };
}

export async function spawnServer(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ url: string; child: Deno.ChildProcess; readyMs: number }> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env,
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
  return { url, child, readyMs: performance.now() - t0 };
}

export async function rssMb(
  pid: number,
  which: "VmHWM" | "VmRSS",
): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(new RegExp(`${which}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) /
    1024;
}

export const peakRssMb = (pid: number) => rssMb(pid, "VmHWM");

/** Runs `sql` with `shape.concurrency` requests in flight over a pool of connections. */
export async function inProcess(
  shape: LoadShape,
  sqlOf: () => { sql: string; params: string[] },
  conns: import("@duckdb/node-api").DuckDBConnection[],
): Promise<Load> {
  const idle = [...conns];
  const waiters: ((c: typeof conns[number]) => void)[] = [];
  const lat: number[] = [];
  const start = performance.now();
  const end = start + shape.seconds * 1000;
  await Promise.all(Array.from({ length: shape.concurrency }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const c = idle.pop() ??
        await new Promise<typeof conns[number]>((r) => waiters.push(r));
      try {
        const { sql, params } = sqlOf();
        const r = await c.run(sql, params);
        await r.getRows();
      } finally {
        const w = waiters.shift();
        if (w) w(c);
        else idle.push(c);
      }
      lat.push(performance.now() - t);
    }
  }));
  lat.sort((a, b) => a - b);
  const q = (p: number) => `${lat[Math.floor(lat.length * p)]!.toFixed(2)}ms`;
  // Requests started before the deadline finish after it: count the whole span.
  const elapsed = (performance.now() - start) / 1000;
  return { rps: lat.length / elapsed, p50: q(0.5), p99: q(0.99) };
}

/** The median time of `n` runs of `fn`, in ms. */
export async function timeIt(
  fn: () => Promise<unknown>,
  n = 5,
): Promise<number> {
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(n / 2)]!;
}
