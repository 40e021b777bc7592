/**
 * Every start-up failure is one line on stderr, no stack trace, exit 2
 * (API.md, CLI); the start line is exactly `listening on http://HOST:PORT`;
 * a SIGKILLed server's pinned files are swept by the next start.
 */
import assert from "node:assert/strict";
import { run, spawn } from "./_cli.ts";
import { writeFixture } from "../_shared/fixture.ts";

/** The stdout lines printed up to and including `listening on …`. */
async function startLines(child: Deno.ChildProcess): Promise<string[]> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`exited before listening: ${text}`);
    text += value;
    if (/listening on .*\n/.test(text)) {
      // The prefixed URL, if any, follows at once.
      await new Promise((r) => setTimeout(r, 100));
      const more = await Promise.race([
        reader.read(),
        new Promise<{ value: string }>((r) =>
          setTimeout(() => r({ value: "" }), 200)
        ),
      ]);
      text += more.value ?? "";
      reader.releaseLock();
      return text.split("\n").filter((l) => l !== "");
    }
  }
}

function assertOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.split("\n").filter((l) =>
    l !== "" && !/Warning/.test(l)
  );
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(stderr, /\s+at .*:\d+:\d+/);
}

Deno.test("start-up failures: one line on stderr, exit 2", async () => {
  const path = await writeFixture(20);
  const holder = spawn([
    "serve",
    `fx=${path}`,
    "--port",
    "0",
    "--kv",
    ":memory:",
  ]);
  const lines = await startLines(holder);
  const port = /:(\d+)$/.exec(lines[0]!)![1]!;
  try {
    const inUse = await run([
      "serve",
      `fx=${path}`,
      "--port",
      port,
      "--kv",
      ":memory:",
    ]);
    assert.equal(inUse.code, 2);
    assertOneLine(
      inUse.stderr,
      /cannot listen on 127\.0\.0\.1:\d+: the port is already in use/,
    );

    const badHost = await run([
      "serve",
      `fx=${path}`,
      "--host",
      "no-such-host.invalid",
      "--port",
      "0",
      "--kv",
      ":memory:",
    ]);
    assert.equal(badHost.code, 2);
    assertOneLine(
      badHost.stderr,
      /cannot resolve host "no-such-host\.invalid"/,
    );

    // A KV path under a regular file cannot be created, even by root.
    const kv = await run([
      "serve",
      `fx=${path}`,
      "--port",
      "0",
      "--kv",
      `${path}/kv.sqlite3`,
    ]);
    assert.equal(kv.code, 2);
    assertOneLine(kv.stderr, /cannot open the KV store/);

    const source = await run([
      "serve",
      `fx=${path}.missing`,
      "--port",
      "0",
      "--kv",
      ":memory:",
    ]);
    assert.equal(source.code, 2);
    assertOneLine(source.stderr, /cannot read source of dataset "fx"/);
  } finally {
    holder.kill("SIGTERM");
    await holder.status;
    await holder.stdout.cancel().catch(() => {});
    await holder.stderr.cancel();
  }
});

Deno.test("the start line is exactly `listening on http://HOST:PORT`, prefix or not", async () => {
  const path = await writeFixture(20);
  const child = spawn([
    "serve",
    `fx=${path}`,
    "--port",
    "0",
    "--prefix",
    "/dp",
    "--kv",
    ":memory:",
  ]);
  const lines = await startLines(child);
  assert.match(lines[0]!, /^listening on http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(lines[1] ?? "", /\/dp\/$/);
  child.kill("SIGTERM");
  assert.equal((await child.status).code, 0);
  await child.stdout.cancel().catch(() => {});
  await child.stderr.cancel();
});

Deno.test("pins of a SIGKILLed server are removed at the next start", async () => {
  const path = await writeFixture(20);
  const kvDir = await Deno.makeTempDir({ prefix: "datapress-kv-" });
  const args = [
    "serve",
    `fx=${path}`,
    "--port",
    "0",
    "--kv",
    `${kvDir}/kv.sqlite3`,
  ];
  const pinFolders = async () => {
    const out: string[] = [];
    for await (const e of Deno.readDir(`${kvDir}/pins`)) out.push(e.name);
    return out.sort();
  };
  const first = spawn(args);
  await startLines(first);
  const before = await pinFolders();
  assert.equal(before.length, 1);
  first.kill("SIGKILL");
  await first.status;
  await first.stdout.cancel().catch(() => {});
  await first.stderr.cancel();
  // The dead process's folder (with its hard links) is still there...
  assert.deepEqual(await pinFolders(), before);

  const second = spawn(args);
  await startLines(second);
  const after = await pinFolders();
  // ...until the next start sweeps it; only the new process's folder stays.
  assert.equal(after.length, 1);
  assert.notEqual(after[0], before[0]);
  second.kill("SIGTERM");
  assert.equal((await second.status).code, 0);
  await second.stdout.cancel().catch(() => {});
  await second.stderr.cancel();
  // A clean shutdown leaves no engine folder behind either.
  for await (const e of Deno.readDir(`${kvDir}/pins/${after[0]}`)) {
    assert.fail(`left behind: ${e.name}`);
  }
});
