/**
 * User commands download only what the product needs and print no
 * warning. `deno task` installs every package of deno.lock (lazy npm
 * caching or not), so the test-only packages are mapped in deno.json's
 * `./tests/` scope and locked in tests/deno.lock (`deno task test` passes
 * `--lock`), never in deno.lock; `deno run` installs only what it imports.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;
const TEST_ONLY = ["playwright-core", "oidc-provider", "s3rver", "ajv"];
const SKIP = new Set([".git", "node_modules", "dist", ".datapress", ".prof"]);

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (SKIP.has(e.name)) continue;
    const src = join(from, e.name), dst = join(to, e.name);
    if (e.isDirectory) await copyTree(src, dst);
    else if (e.isFile) await Deno.copyFile(src, dst);
  }
}

async function deno(
  cwd: string,
  args: string[],
): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/**
 * deno.lock as committed: a plain `deno test` (without the task's --lock)
 * records the test packages in the working copy's deno.lock, which must
 * not reach a commit. Without git (an unpacked archive), the file itself.
 */
async function committedLock(): Promise<string> {
  const git = await new Deno.Command("git", {
    args: ["show", "HEAD:deno.lock"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "null",
  }).output().catch(() => null);
  return git?.success
    ? new TextDecoder().decode(git.stdout)
    : await Deno.readTextFile(join(ROOT, "deno.lock"));
}

Deno.test("--help prints nothing on stderr", async () => {
  const args = ["run", "-A", "main.ts", "--help"];
  const first = await deno(ROOT, args);
  assert.equal(first.code, 0);
  // A cold package cache may print download progress; warnings never.
  assert.doesNotMatch(first.stderr, /warning/i);
  assert.equal((await deno(ROOT, args)).stderr, "");
});

Deno.test("test-only packages are mapped for tests/ only and never locked in deno.lock", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  const scoped = config.scopes["./tests/"];
  for (const name of TEST_ONLY) {
    assert.ok(
      !Object.keys(config.imports).some((k) => k.startsWith(name)),
      `${name} in deno.json's imports`,
    );
    assert.ok(
      Object.keys(scoped).some((k) => k.startsWith(name)),
      `${name} not in the tests/ scope`,
    );
  }
  assert.match(config.tasks.test.command, /--lock=tests\/deno\.lock/);
  const locked = Object.keys(JSON.parse(await committedLock()).npm);
  for (const name of TEST_ONLY) {
    assert.ok(
      !locked.some((k) => k.includes(name)),
      `${name} is in the committed deno.lock`,
    );
  }
});

Deno.test("a fresh checkout's tasks and CLI install no test-only package", async () => {
  const dir = await Deno.makeTempDir({ prefix: "datapress-lean-" });
  try {
    await copyTree(ROOT, dir);
    await Deno.writeTextFile(join(dir, "deno.lock"), await committedLock());
    // `deno task demo` and `start` install before they run; --eval does
    // the same without building the UI.
    const task = await deno(dir, ["task", "--eval", "true"]);
    assert.equal(task.code, 0, task.stderr);
    const help = await deno(dir, ["run", "-A", "main.ts", "--help"]);
    assert.equal(help.code, 0, help.stderr);
    for (const out of [task, help]) assert.doesNotMatch(out.stderr, /warning/i);
    const installed: string[] = [];
    for await (const e of Deno.readDir(join(dir, "node_modules/.deno"))) {
      installed.push(e.name);
    }
    assert.ok(installed.some((n) => n.startsWith("@duckdb+node-api@")));
    for (const name of TEST_ONLY) {
      assert.ok(
        !installed.some((n) => n.includes(name)),
        `${name} installed: ${installed.join(" ")}`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
