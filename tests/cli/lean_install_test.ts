/**
 * A user command downloads only what the product needs and prints no
 * warning: test-only packages live in tests/deno.json, and deno.json's lazy
 * npm caching installs only the packages a command imports (without it,
 * every command installed the whole lockfile, s3rver's broken bin warning
 * included).
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;
const TEST_ONLY = ["playwright-core", "oidc-provider", "s3rver"];
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

async function help(cwd: string): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "--help"],
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("--help prints nothing on stderr", async () => {
  const out = await help(ROOT);
  assert.equal(out.code, 0);
  // A cold package cache may print download progress; warnings never.
  assert.doesNotMatch(out.stderr, /warning/i);
  assert.equal((await help(ROOT)).stderr, "");
});

Deno.test("deno.json holds no test-only package", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  for (const name of TEST_ONLY) {
    assert.equal(config.imports[name], undefined, name);
  }
  const tests = JSON.parse(
    await Deno.readTextFile(join(ROOT, "tests/deno.json")),
  );
  for (const name of TEST_ONLY) assert.ok(tests.imports[name], name);
});

Deno.test("a fresh checkout's CLI installs no test-only package", async () => {
  const dir = await Deno.makeTempDir({ prefix: "datapress-lean-" });
  try {
    await copyTree(ROOT, dir);
    const out = await help(dir);
    assert.equal(out.code, 0, out.stderr);
    assert.doesNotMatch(out.stderr, /warning/i);
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
