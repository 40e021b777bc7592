/**
 * The floors of DESIGN.md, held against the code: every import of every
 * source file is read and checked, so a shortcut through the layers fails
 * here instead of in review.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;

/** Lowest first: a file imports from its own floor or a lower one. */
const FLOORS = [
  "data",
  "query",
  "sources",
  "encode",
  "engines",
  "store",
  "auth",
  "server",
];

/** Top-level entries outside the floors, with what each may import. */
const OUTSIDE: Record<string, (target: string) => boolean> = {
  // The client runs in browsers and in users' programs: it stands alone.
  client: () => false,
  // The UI talks to the server only through the public client.
  ui: (t) => t === "client",
  demo: () => false,
  bench: (t) => t !== "server" && t !== "ui",
  "main.ts": () => true,
  "mod.ts": () => true,
};

const MAX_LINES = 400;

interface Import {
  file: string;
  /** A project path for a relative import, else the specifier as written. */
  target: string;
  internal: boolean;
}

/** The project's own TypeScript files, tests included: tracked files only. */
async function sourceFiles(): Promise<string[]> {
  const out = await new Deno.Command("git", {
    args: ["ls-files", "*.ts", "*.tsx"],
    cwd: ROOT,
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((f) =>
    f !== "" && !f.startsWith("ui/dist/") && !f.startsWith("tests/fixtures/")
  );
}

const isTest = (f: string) => f.startsWith("tests/");

function normalize(from: string, spec: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const p of spec.split("/")) {
    if (p === "..") parts.pop();
    else if (p !== ".") parts.push(p);
  }
  return parts.join("/");
}

async function imports(files: string[]): Promise<Import[]> {
  const out: Import[] = [];
  const re = /(?:from\s+|import\s*\(\s*|import\s+)"([^"]+)"/g;
  for (const file of files) {
    const text = await Deno.readTextFile(ROOT + file);
    for (const m of text.matchAll(re)) {
      const spec = m[1]!;
      const internal = spec.startsWith(".");
      out.push({
        file,
        target: internal ? normalize(file, spec) : spec,
        internal,
      });
    }
  }
  return out;
}

const top = (path: string) => path.split("/")[0]!;

const all = await imports((await sourceFiles()).filter((f) => !isTest(f)));

Deno.test("floors: imports point down a floor or within one", () => {
  const broken: string[] = [];
  for (const { file, target, internal } of all) {
    if (!internal) continue;
    const from = top(file);
    const to = top(target);
    if (from === to || to === "deno.json") continue;
    const rule = OUTSIDE[from];
    if (rule) {
      if (!rule(to)) broken.push(`${file} → ${target}`);
      continue;
    }
    const a = FLOORS.indexOf(from);
    const b = FLOORS.indexOf(to);
    if (b < 0 || b > a) broken.push(`${file} → ${target}`);
  }
  assert.deepEqual(broken, []);
});

Deno.test("engines are siblings: the memory engine uses only engines/duckdb/mod.ts, never DuckDB itself", () => {
  const broken = all.filter(({ file, target }) =>
    file.startsWith("engines/memory/") &&
    ((target.startsWith("engines/duckdb/") &&
      target !== "engines/duckdb/mod.ts") ||
      target.includes("@duckdb/node-api"))
  );
  assert.deepEqual(broken, []);
});

Deno.test("DuckDB is known only to engines/duckdb (and the demo and bench tools)", () => {
  const broken = all.filter(({ file, target }) =>
    target.includes("@duckdb/node-api") &&
    !/^(engines\/duckdb|demo|bench)\//.test(file)
  );
  assert.deepEqual(broken, []);
});

Deno.test("handlers never import an engine: only app.ts picks one", () => {
  const broken = all.filter(({ file, target }) =>
    file.startsWith("server/") && file !== "server/app.ts" &&
    target.startsWith("engines/") && target !== "engines/engine.ts"
  );
  assert.deepEqual(broken, []);
});

Deno.test("nothing imports server/ but main.ts and mod.ts", () => {
  const broken = all.filter(({ file, target }) =>
    top(target) === "server" && top(file) !== "server" &&
    file !== "main.ts" && file !== "mod.ts"
  );
  assert.deepEqual(broken, []);
});

Deno.test(`no source file over ${MAX_LINES} lines without saying why`, async () => {
  const long: string[] = [];
  for (const file of await sourceFiles()) {
    const text = await Deno.readTextFile(ROOT + file);
    const lines = text.split("\n").length - 1;
    const head = text.split("\n").slice(0, 15).join("\n");
    if (lines > MAX_LINES && !/long because|kept in one file/i.test(head)) {
      long.push(`${file}: ${lines} lines`);
    }
  }
  assert.deepEqual(long, []);
});
