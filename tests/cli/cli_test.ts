import assert from "node:assert/strict";
import { run, spawn } from "./_cli.ts";
import { writeFixture } from "../_shared/fixture.ts";

/** Reads stdout until `listening on URL` and returns the URL. */
async function waitListening(child: Deno.ChildProcess): Promise<string> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`exited before listening: ${text}`);
    text += value;
    const m = /listening on (http:\/\/\S+)/.exec(text);
    if (m) {
      reader.releaseLock();
      return m[1]!;
    }
  }
}

Deno.test("--help and --version", async () => {
  const help = await run(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /datapress serve/);
  const v = await run(["--version"]);
  assert.match(v.stdout, /^datapress \d+\.\d+\.\d+/);
});

Deno.test("invalid config exits 2 naming the key", async () => {
  const dir = await Deno.makeTempDir();
  const cases: [unknown, RegExp][] = [
    [
      { datasets: [{ name: "a", source: "x.parquet", mode: "lots" }] },
      /datasets\[0\]\.mode: must be one of auto, none, list/,
    ],
    [{ prot: 1 }, /prot: unknown key \(did you mean "port"\?\)/],
    [{ prefix: "api/" }, /prefix: must start with/],
    [{ port: 70000 }, /port: must be an integer/],
    [
      { datasets: [{ name: "a", source: `${dir}/missing.parquet` }] },
      /cannot read source of dataset "a"/,
    ],
  ];
  for (const [config, message] of cases) {
    const file = `${dir}/c.json`;
    await Deno.writeTextFile(file, JSON.stringify(config));
    const r = await run(["serve", "--config", file, "--kv", ":memory:"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  }
  const flag = await run(["serve", "x.parquet", "--engine", "sqlite"]);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--engine: must be one of/);
});

Deno.test("SIGTERM drains a request in flight and exits 0", async () => {
  const path = await writeFixture(200_000);
  const child = spawn([
    "serve",
    `fx=${path}`,
    "--port",
    "0",
    "--kv",
    ":memory:",
  ]);
  const url = await waitListening(child);
  const inflight = fetch(`${url}/api/v1/datasets/fx/query?format=ndjson`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ columns: ["id", "state", "at"] }),
  }).then(async (r) => ({ status: r.status, text: await r.text() }));
  await new Promise((r) => setTimeout(r, 30));
  child.kill("SIGTERM");
  const res = await inflight;
  assert.equal(res.status, 200);
  assert.equal(res.text.trim().split("\n").length, 200_000);
  const status = await child.status;
  assert.equal(status.code, 0);
  await child.stderr.cancel();
});

Deno.test("open --no-browser prints the URL, serves UI and API, exits 0 on SIGINT", async () => {
  const path = await writeFixture(50);
  const child = spawn(["open", path, "--no-browser", "--kv", ":memory:"]);
  const url = await waitListening(child);
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const list = await (await fetch(`${url}/api/v1/datasets`)).json();
  assert.equal(list.datasets[0].name, "fixture");
  const ui = await fetch(`${url}/`);
  assert.equal(ui.status, 200);
  assert.match(ui.headers.get("content-type") ?? "", /text\/html/);
  await ui.body?.cancel();
  child.kill("SIGINT");
  assert.equal((await child.status).code, 0);
  await child.stdout.cancel().catch(() => {});
  await child.stderr.cancel();
});
