/**
 * The memory engine's own contracts: index policies, O(1) and index-only
 * counts, loading in slices, the memory budget, partition skips. Query
 * semantics against DuckDB's are in semantics_test.ts.
 */
import assert from "node:assert/strict";
import {
  type MemoryDataset,
  MemoryEngine,
} from "../../../engines/memory/mod.ts";
import { BACKGROUND_INDEX_ROWS } from "../../../engines/memory/load.ts";
import type { LoadedDataset } from "../../../engines/engine.ts";
import { countRows, type Table } from "../../../engines/memory/filter.ts";
import { buildIndex } from "../../../engines/memory/index_build.ts";
import { ApiError } from "../../../data/errors.ts";
import { resolveSource } from "../../../sources/resolve.ts";
import { BASE, count, duck, load, query, spec } from "./_engine.ts";

Deno.test("index policy auto indexes columns up to the cardinality limit", async () => {
  const { ds } = await load(BASE, { indexMaxCardinality: 10 });
  assert.deepEqual([...ds.indexed].sort(), ["low", "seven"]);
  const all = await load(BASE, { indexMaxCardinality: 3000 });
  assert.deepEqual([...all.ds.indexed].sort(), ["high", "id", "low", "seven"]);
});

Deno.test("a file is loaded in row-group slices, in order, with progress logged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "datapress-mem-" });
  const path = `${dir}/t.parquet`;
  const n = 700_000;
  await duck(
    `COPY (SELECT i::INTEGER AS id, 'v' || (i % 5) AS s FROM range(${n}) t(i))
     TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 100000)`,
  );
  const lines: string[] = [];
  const error = console.error;
  console.error = (line: string) => lines.push(line);
  let ds: LoadedDataset;
  try {
    ds = await new MemoryEngine().load(
      spec(),
      await resolveSource({ name: "t", source: path }),
    );
  } finally {
    console.error = error;
  }
  const progress = lines.map((l) => JSON.parse(l)).filter((l) =>
    l.msg === "loading"
  );
  assert.ok(progress.length >= 2, "several slices");
  assert.deepEqual(progress.at(-1).rows_read, n);
  assert.ok(
    progress.every((p, i) =>
      i === 0 || p.rows_read > progress[i - 1].rows_read
    ),
  );
  await (ds as MemoryDataset).indexing;
  const id = (ds as unknown as { table: Table }).table.columns.get("id")!;
  const values = id.values as Int32Array;
  assert.equal(values.length, n);
  assert.ok(
    values.every((v, i) => v === i),
    "rows keep file order across slices",
  );
});

Deno.test("index policy none and list", async () => {
  assert.deepEqual([...(await load(BASE, { mode: "none" })).ds.indexed], []);
  const { ds, engine } = await load(BASE, {
    mode: "list",
    indexColumns: ["high"],
    indexMaxCardinality: 1,
  });
  assert.deepEqual([...ds.indexed], ["high"]);
  const rows = await query(engine, ds, {
    predicates: [{ col: "high", op: "in", val: ["k5", "k2999", "nope"] }],
  });
  assert.deepEqual(rows.columns[0]!.values, Int32Array.from([5, 2999]));
});

Deno.test("indexed and scanned predicates give the same rows", async () => {
  const body = {
    predicates: [
      { col: "low", op: "eq", val: "b" },
      { col: "seven", op: "in", val: [1, 2] },
      { col: "id", op: "gte", val: 100 },
    ],
    page_size: 5000,
  };
  const a = await load(BASE);
  const b = await load(BASE, { mode: "none" });
  const x = await query(a.engine, a.ds, body);
  const y = await query(b.engine, b.ds, body);
  assert.deepEqual(x.columns[0]!.values, y.columns[0]!.values);
  const [[n]] = await duck(
    `SELECT count(*)::INTEGER FROM (${BASE}) WHERE low = 'b' AND seven IN (1, 2) AND id >= 100`,
  ) as [[number]];
  assert.equal(x.length, n);
  assert.equal(
    await count(a.engine, a.ds, { predicates: body.predicates }),
    n,
  );
});

Deno.test("count without filters and indexed counts never touch rows", () => {
  // Columns whose values throw when read: only the index may be consulted.
  const trap = new Proxy(new Int32Array(0), {
    get() {
      throw new Error("row values were read");
    },
  });
  const field = {
    name: "c",
    type: { kind: "int", bits: 32, signed: true } as const,
    nullable: false,
  };
  const real = { field, values: Int32Array.from([1, 2, 1, 1]), valid: null };
  const index = buildIndex(real, 4, 10)!;
  const table: Table = {
    rows: 1_000_000_000,
    columns: new Map([["c", { field, values: trap, valid: null }]]),
    indexes: new Map([["c", index]]),
  };
  assert.equal(countRows(table, []), 1_000_000_000);
  assert.equal(
    countRows(table, [{ col: "c", type: field.type, op: "eq", value: 1 }]),
    3,
  );
  assert.equal(
    countRows(table, [{
      col: "c",
      type: field.type,
      op: "in",
      values: [2, 9],
    }]),
    1,
  );
  assert.throws(() =>
    countRows(table, [{ col: "c", type: field.type, op: "gt", value: 1 }])
  );
});

Deno.test("a load over the memory budget is refused before decoding", async () => {
  const dir = await Deno.makeTempDir({ prefix: "datapress-mem-" });
  const path = `${dir}/t.parquet`;
  await duck(`COPY (${BASE}) TO '${path}' (FORMAT parquet)`);
  const source = await resolveSource({ name: "t", source: path });
  await assert.rejects(
    () => new MemoryEngine().load(spec({ memoryLimitBytes: 10_000 }), source),
    (e) =>
      e instanceof ApiError && e.status === 507 &&
      /memory_limit_bytes/.test(e.message) && !e.message.includes(dir),
  );
});

Deno.test("datasets stay valid and independent after another load", async () => {
  const a = await load(BASE);
  const b = await load(`SELECT 1::INTEGER AS id`);
  const before = await query(a.engine, a.ds, { columns: ["id"], page_size: 3 });
  await a.engine.close(b.ds);
  const after = await query(a.engine, a.ds, { columns: ["id"], page_size: 3 });
  assert.deepEqual(before, after);
  assert.equal(a.ds.rows, 3000);
});

Deno.test("partition predicates skip whole files before any row is tested", async () => {
  const dir = await Deno.makeTempDir({ prefix: "datapress-mem-hive-" });
  await duck(
    `COPY (SELECT i::INTEGER AS id, (2020 + i % 3)::INTEGER AS year, i % 2 AS odd FROM range(30) t(i))
     TO '${dir}' (FORMAT parquet, PARTITION_BY (year))`,
  );
  const engine = new MemoryEngine();
  const source = await resolveSource({ name: "t", source: dir });
  assert.equal(source.files.length, 3);
  const ds = await engine.load(spec({ mode: "none" }), source);
  const body = {
    columns: ["id"],
    predicates: [{ col: "year", op: "eq", val: 2021 }, {
      col: "odd",
      op: "eq",
      val: 1,
    }],
  };
  const want = [1, 7, 13, 19, 25];
  assert.deepEqual(
    [...(await query(engine, ds, body)).columns[0]!.values],
    want,
  );
  // Rewrite the stored partition column of every row to 2021: a row scan
  // would now match rows of the other files, a file skip cannot.
  const table = (ds as unknown as { table: Table }).table;
  (table.columns.get("year")!.values as BigInt64Array).fill(2021n);
  assert.deepEqual(
    [...(await query(engine, ds, body)).columns[0]!.values],
    want,
  );
  assert.equal(
    await count(engine, ds, { predicates: body.predicates.slice(0, 1) }),
    10,
  );
});

/** A table big enough to be indexed after its load, in the background. */
const BIG = `SELECT i::INTEGER AS id, 'c' || (i % 40) AS city,
  (i % 1000)::INTEGER AS code FROM range(${
  BACKGROUND_INDEX_ROWS + 10_000
}) t(i)`;

Deno.test("a big table answers before its indexes are in, and the same once they are", async () => {
  const lines: string[] = [];
  const error = console.error;
  console.error = (line: string) => lines.push(line);
  try {
    const { ds, engine } = await load(BIG);
    const mem = ds as MemoryDataset;
    // The load ended with the columns; no index is in yet.
    assert.deepEqual([...mem.indexed], []);
    assert.equal(mem.table.indexes.size, 0);
    assert.equal(engine.building(ds), true);
    const body = {
      columns: ["id"],
      predicates: [{ col: "city", op: "eq", val: "c7" }, {
        col: "code",
        op: "in",
        val: [7, 47, 87],
      }],
      page_size: 20,
    };
    const counted = { predicates: body.predicates.slice(0, 1) };
    const scanned = await query(engine, ds, body);
    const scannedCount = await count(engine, ds, counted);
    await mem.indexing;
    assert.equal(engine.building(ds), false);
    assert.deepEqual([...mem.indexed].sort(), ["city", "code"]);
    assert.deepEqual(await query(engine, ds, body), scanned);
    assert.equal(await count(engine, ds, counted), scannedCount);
    assert.equal(
      scannedCount,
      Math.ceil((BACKGROUND_INDEX_ROWS + 10_000) / 40),
    );
    assert.deepEqual(
      [...scanned.columns[0]!.values].slice(0, 3),
      [7, 47, 87],
    );
    const logged = lines.map((l) => JSON.parse(l));
    assert.equal(logged.find((l) => l.msg === "loaded").indexed, "building");
    assert.deepEqual(
      logged.find((l) => l.msg === "indexed").indexed.sort(),
      ["city", "code"],
    );
  } finally {
    console.error = error;
  }
});

Deno.test("closing a version or the engine stops its index build", async () => {
  const error = console.error;
  console.error = () => {};
  try {
    const first = await load(BIG);
    await first.engine.close(first.ds);
    await (first.ds as MemoryDataset).indexing;
    assert.deepEqual([...first.ds.indexed], []);
    const second = await load(BIG);
    await second.engine.shutdown();
    assert.deepEqual([...second.ds.indexed], []);
  } finally {
    console.error = error;
  }
});
