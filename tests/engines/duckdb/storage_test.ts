/**
 * The DuckDB engine's native storage: the view answers at once, a table
 * built from it in the background takes over with the same answers (source
 * order and ties included), and every way a version ends (close, close
 * during the build, shutdown) leaves no table or file behind.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { DuckDBEngine } from "../../../engines/duckdb/mod.ts";
import type { DatasetSpec, LoadedDataset } from "../../../engines/engine.ts";
import { parseQueryBody } from "../../../query/parse.ts";
import { planQuery } from "../../../query/plan.ts";
import { resolveSource } from "../../../sources/resolve.ts";

function spec(
  storage: DatasetSpec["storage"],
  memoryLimitBytes = 1e12,
): DatasetSpec {
  return {
    name: "t",
    mode: "none",
    indexColumns: [],
    indexMaxCardinality: 100_000,
    memoryLimitBytes,
    storage,
  };
}

/** `files` parquet files of `rows` rows each, many ties in `k`, small row groups. */
async function writeFiles(rows: number, files: number): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "datapress-storage-" });
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  for (let f = 0; f < files; f++) {
    await c.run(`COPY (
      SELECT ${f} * ${rows} + i AS id, (hash(i + ${f}) % 7)::INTEGER AS k,
        'v' || (hash(i * 3 + ${f}) % 1000) AS s,
        CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 13) * 0.5 END AS x,
        CASE WHEN i % 10 = 0 THEN (i % 97)::INTEGER END AS y,
        CASE WHEN i % 17 = 0 THEN 'NaN'::DOUBLE WHEN i % 19 = 0 THEN -0.0
          WHEN i % 23 = 0 THEN 0.0 ELSE (i % 29) * 0.25 END AS f
      FROM range(${rows}) t(i) ORDER BY i
    ) TO '${dir}/part-${f}.parquet' (FORMAT parquet, ROW_GROUP_SIZE 4096)`);
  }
  c.closeSync();
  db.closeSync();
  return dir;
}

const BODIES = [
  { page_size: 700, page: 9 },
  { order_by: [{ col: "k", dir: "desc" }], page_size: 500, page: 3 },
  { order_by: [{ col: "x" }], columns: ["id", "x"], page_size: 300 },
  { predicates: [{ col: "s", op: "eq", val: "v42" }], page_size: 100 },
  { group_by: ["k"], aggregations: [{ op: "count" }, { op: "avg", col: "x" }] },
  { distinct: true, columns: ["k"], page_size: 10 },
  // Pages that bound their first sort key (sql.ts firstKeyBound) and pages
  // that cannot (their last row's key is NULL): at, before and past the
  // last non-NULL value, both directions, NaN and signed zeros.
  ...[11, 12, 13].flatMap((page) =>
    (["desc", "asc"] as const).map((dir) => ({
      order_by: [{ col: "y", dir }],
      columns: ["id", "y"],
      page_size: 500,
      page,
    }))
  ),
  ...[1, 3].flatMap((page) =>
    (["desc", "asc"] as const).map((dir) => ({
      order_by: [{ col: "f", dir }, { col: "k" }],
      page_size: 200,
      page,
    }))
  ),
];

async function answers(
  engine: DuckDBEngine,
  ds: LoadedDataset,
): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const b of BODIES) {
    const plan = planQuery(parseQueryBody(b), ds.schema, {
      maxPageSize: 100_000,
    });
    const batch = await engine.query(ds, plan, new AbortController().signal);
    // Values as sent: a NULL slot's placeholder is not part of the answer.
    out.push(batch.columns.map((c) =>
      Array.from(
        c.values as ArrayLike<unknown>,
        (v, i) => c.valid && !c.valid[i] ? null : v,
      )
    ));
  }
  out.push(
    await engine.count(
      ds,
      planQuery(
        parseQueryBody({
          predicates: [{ col: "k", op: "eq", val: 3 }],
        }),
        ds.schema,
        { maxPageSize: 10 },
      ).filters,
      new AbortController().signal,
    ),
  );
  return out;
}

for (const files of [1, 3]) {
  Deno.test(`storage table (${files} file${files > 1 ? "s" : ""}): the view answers at once, the table takes over alike`, async () => {
    const source = await resolveSource({
      name: "t",
      source: await writeFiles(60_000, files),
    });
    const engine = await DuckDBEngine.create({ threads: 2 });
    try {
      const ds = await engine.load(spec("table"), source);
      assert.equal(engine.storage(ds), "view");
      assert.equal(engine.building(ds), true);
      const fromView = await answers(engine, ds);
      await engine.tablesBuilt();
      assert.equal(engine.storage(ds), "table");
      assert.equal(engine.building(ds), false);
      assert.equal((await engine.storedTables()).length, 1);
      assert.deepEqual(await answers(engine, ds), fromView);
      await engine.close(ds);
      assert.deepEqual(await engine.storedTables(), []);
    } finally {
      await engine.shutdown();
    }
  });
}

Deno.test("storage: auto builds a table when the data fits memory_limit_bytes, else keeps the view; view never builds", async () => {
  const source = await resolveSource({
    name: "t",
    source: await writeFiles(5_000, 1),
  });
  const engine = await DuckDBEngine.create({ threads: 2 });
  try {
    const fits = await engine.load(spec("auto"), source);
    const big = await engine.load(spec("auto", 1_000), source);
    const view = await engine.load(spec("view"), source);
    await engine.tablesBuilt();
    assert.equal(engine.storage(fits), "table");
    assert.equal(engine.storage(big), "view");
    assert.equal(engine.storage(view), "view");
    // "table" on data over the limit still builds (DuckDB spills the file).
    const forced = await engine.load(spec("table", 1_000), source);
    await engine.tablesBuilt();
    assert.equal(engine.storage(forced), "table");
    for (const ds of [fits, big, view, forced]) await engine.close(ds);
    assert.deepEqual(await engine.storedTables(), []);
  } finally {
    await engine.shutdown();
  }
});

Deno.test("storage: closing a version during its build stops the build and leaves nothing; shutdown removes the table file", async () => {
  const source = await resolveSource({
    name: "t",
    source: await writeFiles(400_000, 2),
  });
  const tableRoot = await Deno.makeTempDir({ prefix: "datapress-tables-" });
  const engine = await DuckDBEngine.create({ threads: 2, tableRoot });
  let down = false;
  try {
    const first = await engine.load(spec("table"), source);
    const second = await engine.load(spec("table"), source);
    // The first is building, the second queued behind it.
    await new Promise((r) => setTimeout(r, 30));
    const t0 = performance.now();
    await Promise.all([engine.close(first), engine.close(second)]);
    await engine.tablesBuilt();
    assert.ok(performance.now() - t0 < 2_000, "the build was interrupted");
    assert.equal(engine.storage(first), "view");
    assert.deepEqual(await engine.storedTables(), []);
    // A third, built, then the engine shut down with it still open.
    const third = await engine.load(spec("table"), source);
    await engine.tablesBuilt();
    assert.equal(engine.storage(third), "table");
    const held = [...Deno.readDirSync(tableRoot)];
    assert.equal(held.length, 1, "one folder for this process");
    await engine.shutdown();
    down = true;
    const left = [...Deno.readDirSync(`${tableRoot}/${held[0]!.name}`)];
    assert.deepEqual(left, [], "the engine's folder and file are gone");
  } finally {
    if (!down) await engine.shutdown();
  }
});

Deno.test("storage: a query running on the view while the table swaps in is answered from the view", async () => {
  const source = await resolveSource({
    name: "t",
    source: await writeFiles(200_000, 1),
  });
  const engine = await DuckDBEngine.create({ threads: 2 });
  try {
    const ds = await engine.load(spec("table"), source);
    const plan = planQuery(
      parseQueryBody({ page_size: 50_000, page: 3 }),
      ds.schema,
      {
        maxPageSize: 100_000,
      },
    );
    const runs: Promise<unknown>[] = [];
    while (engine.storage(ds) === "view") {
      runs.push(
        engine.query(ds, plan, new AbortController().signal).then((b) =>
          Array.from(b.columns[0]!.values as ArrayLike<unknown>).slice(0, 3)
        ),
      );
      await new Promise((r) => setTimeout(r, 20));
    }
    const after = await engine.query(ds, plan, new AbortController().signal);
    const want = Array.from(after.columns[0]!.values as ArrayLike<unknown>)
      .slice(0, 3);
    for (const got of await Promise.all(runs)) assert.deepEqual(got, want);
    await engine.close(ds);
  } finally {
    await engine.shutdown();
  }
});

Deno.test("storage: a table larger than DuckDB's memory limit is built and read back from its file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "datapress-storage-" });
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  // About 190 MB of nearly incompressible text against a 64 MB limit.
  await c.run(`COPY (
    SELECT i AS id, md5(i::VARCHAR) || md5((i * 7)::VARCHAR) AS h
    FROM range(3000000) t(i)
  ) TO '${dir}/big.parquet' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  const source = await resolveSource({
    name: "t",
    source: `${dir}/big.parquet`,
  });
  const tableRoot = await Deno.makeTempDir({ prefix: "datapress-tables-" });
  const engine = await DuckDBEngine.create({
    threads: 2,
    memoryLimit: "64MB",
    tableRoot,
  });
  try {
    const ds = await engine.load(spec("table", 1_000_000), source);
    await engine.tablesBuilt();
    assert.equal(engine.storage(ds), "table");
    const file = new Deno.Command("find", {
      args: [tableRoot, "-name", "tables.duckdb", "-size", "+64M"],
    }).outputSync();
    assert.match(new TextDecoder().decode(file.stdout), /tables\.duckdb/);
    const plan = planQuery(
      parseQueryBody({
        order_by: [{ col: "h", dir: "desc" }],
        columns: ["id"],
        page_size: 3,
      }),
      ds.schema,
      { maxPageSize: 10 },
    );
    const top = await engine.query(ds, plan, new AbortController().signal);
    assert.equal(top.length, 4);
    const n = await engine.count(
      ds,
      planQuery(
        parseQueryBody({
          predicates: [{ col: "h", op: "like", val: "ff%" }],
        }),
        ds.schema,
        { maxPageSize: 10 },
      ).filters,
      new AbortController().signal,
    );
    assert.ok(n > 5_000 && n < 20_000, `${n} rows start with ff`);
    await engine.close(ds);
  } finally {
    await engine.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
