/**
 * compile.sh refuses what cannot give a working datapress binary. No real
 * denort is reachable here, so the tests cover the refusals; every build goes
 * to a temporary DIST_DIR so a real dist/ of the checkout is never touched.
 */
import assert from "node:assert/strict";

const SCRIPT = new URL("../../compile.sh", import.meta.url).pathname;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs compile.sh with the test's env; an `undefined` value unsets that variable. */
async function compile(
  vars: Record<string, string | undefined>,
): Promise<Result> {
  const env: Record<string, string> = {
    ...Deno.env.toObject(),
    DENO: Deno.execPath(),
  };
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const out = await new Deno.Command("bash", {
    args: [SCRIPT],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

/** A local port nothing listens on, so a proxy pointed at it refuses at once. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

function assertNoBacktrace(r: Result) {
  assert.doesNotMatch(r.stderr, /backtrace|panicked/i);
  assert.doesNotMatch(r.stdout, /^built .*datapress$/m);
}

Deno.test("compile.sh: DENORT_BIN naming a directory fails with one clear line", async () => {
  const dir = await Deno.makeTempDir();
  const dist = await Deno.makeTempDir();
  const r = await compile({ DENORT_BIN: dir, DIST_DIR: dist });
  assert.notEqual(r.code, 0);
  assertNoBacktrace(r);
  assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
  assert.match(
    r.stderr,
    /is a directory; DENORT_BIN must be a denort binary file/,
  );
  assert.equal(await exists(`${dist}/datapress`), false);
});

Deno.test("compile.sh: plain deno as DENORT_BIN is caught by the smoke run and removed", async () => {
  const dist = await Deno.makeTempDir();
  const r = await compile({ DENORT_BIN: Deno.execPath(), DIST_DIR: dist });
  assert.notEqual(r.code, 0, r.stdout);
  assertNoBacktrace(r);
  assert.match(
    r.stderr,
    /answered --version with 'deno [^']*' instead of 'datapress \d+\.\d+\.\d+'/,
  );
  assert.match(r.stderr, /is not a denort binary of Deno \d+\.\d+\.\d+/);
  assert.equal(await exists(`${dist}/datapress`), false);
});

Deno.test("compile.sh: no DENORT_BIN and dl.deno.land unreachable says what to set", async () => {
  // An empty DENO_DIR has no cached denort; a dead proxy makes the download host unreachable.
  const denoDir = await Deno.makeTempDir();
  const dist = await Deno.makeTempDir();
  const proxy = `http://127.0.0.1:${closedPort()}`;
  const r = await compile({
    DENORT_BIN: undefined,
    DENO_DIR: denoDir,
    DIST_DIR: dist,
    HTTPS_PROXY: proxy,
    https_proxy: proxy,
    NO_PROXY: undefined,
    no_proxy: undefined,
  });
  assert.notEqual(r.code, 0);
  assertNoBacktrace(r);
  assert.match(
    r.stderr,
    /dl\.deno\.land is unreachable and DENORT_BIN is unset; set DENORT_BIN to a denort \d+\.\d+\.\d+ binary/,
  );
  assert.equal(await exists(`${dist}/datapress`), false);
});
