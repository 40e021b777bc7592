/**
 * The memory engine's own contracts: index policies, O(1) and index-only
 * counts, top-k equal to a full sort, LIKE escapes, UTF-8 order, NaN,
 * int64/decimal exactness, float sums as DuckDB adds them, and the memory
 * budget. DuckDB, queried directly, is the reference where semantics matter.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { MemoryEngine } from "../../../engines/memory/mod.ts";
import type { DatasetSpec, LoadedDataset } from "../../../engines/engine.ts";
import {
  compareUtf8,
  type StoredColumn,
} from "../../../engines/memory/columns.ts";
import {
  comparator,
  orderBounds,
  topRows,
} from "../../../engines/memory/order.ts";
import { countRows, type Table } from "../../../engines/memory/filter.ts";
import { buildIndex } from "../../../engines/memory/index.ts";
import { duckLower, likeMatcher } from "../../../query/like.ts";
import { ApiError } from "../../../data/errors.ts";
import { parseCountBody, parseQueryBody } from "../../../query/parse.ts";
import { planCount, planQuery } from "../../../query/plan.ts";
import type { DataType, ResultBatch } from "../../../data/types.ts";
import { resolveSource } from "../../../sources/resolve.ts";

const signal = new AbortController().signal;

function spec(over: Partial<DatasetSpec> = {}): DatasetSpec {
  return {
    name: "t",
    mode: "auto",
    indexColumns: [],
    indexMaxCardinality: 100_000,
    memoryLimitBytes: 2 ** 32,
    ...over,
  };
}

async function duck(sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRows() as unknown[][];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** Writes `select` to a parquet file and loads it into a memory dataset. */
async function load(
  select: string,
  s: Partial<DatasetSpec> = {},
): Promise<{ ds: LoadedDataset; path: string; engine: MemoryEngine }> {
  const dir = await Deno.makeTempDir({ prefix: "datapress-mem-" });
  const path = `${dir}/t.parquet`;
  await duck(`COPY (${select}) TO '${path}' (FORMAT parquet)`);
  const engine = new MemoryEngine();
  const source = await resolveSource({ name: "t", source: path });
  return { ds: await engine.load(spec(s), source), path, engine };
}

function query(
  engine: MemoryEngine,
  ds: LoadedDataset,
  body: unknown,
): Promise<ResultBatch> {
  return engine.query(
    ds,
    planQuery(parseQueryBody(body), ds.schema, { maxPageSize: 100_000 }),
    signal,
  );
}

function count(
  engine: MemoryEngine,
  ds: LoadedDataset,
  body: unknown,
): Promise<number> {
  return engine.count(ds, planCount(parseCountBody(body), ds.schema), signal);
}

const BASE = `SELECT i::INTEGER AS id, ['a','b','c'][1 + i % 3] AS low,
  'k' || i AS high, (i % 7)::INTEGER AS seven FROM range(3000) t(i)`;

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

Deno.test("top-k equals a full sort for every bound kind, ties in source order", () => {
  const n = 50_000;
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const valid = Uint8Array.from({ length: n }, () => rnd() < 0.1 ? 0 : 1);
  // Values that only differ below a double's precision, and the float oddities.
  const big = [
    2n ** 60n,
    2n ** 60n + 1n,
    2n ** 60n + 2n,
    -(2n ** 62n),
    0n,
    -1n,
  ];
  const floats = [NaN, Infinity, -Infinity, -0, 0, 1.5, -2.25];
  const dict = ["b", "a", "é", "c"];
  const columns:
    (Omit<StoredColumn, "field" | "valid"> & { type: DataType })[] = [
      {
        type: { kind: "float", bits: 64 } as const,
        values: Float64Array.from(
          { length: n },
          () => rnd() < 0.3 ? pick(floats) : Math.floor(rnd() * 100),
        ),
      },
      {
        type: { kind: "int", bits: 64, signed: true } as const,
        values: BigInt64Array.from({ length: n }, () => pick(big)),
      },
      {
        type: { kind: "int", bits: 64, signed: false } as const,
        values: BigUint64Array.from({ length: n }, () => pick(big.slice(0, 3))),
      },
      {
        type: { kind: "timestamp", unit: "us", utc: true } as const,
        values: BigInt64Array.from({ length: n }, () => pick(big)),
      },
      {
        type: { kind: "int", bits: 32, signed: true } as const,
        values: Int32Array.from(
          { length: n },
          () => Math.floor(rnd() * 50) - 25,
        ),
      },
      {
        type: { kind: "decimal", precision: 38, scale: 2 } as const,
        values: Array.from({ length: n }, () => pick(big)),
      },
      {
        type: { kind: "string" } as const,
        values: Int32Array.from({ length: n }, () => Math.floor(rnd() * 4)),
        dict,
        rank: Int32Array.from(
          dict,
          (d) => dict.filter((e) => compareUtf8(e, d) < 0).length,
        ),
      },
    ];
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const some = all.filter(() => rnd() < 0.5);
  for (const c of columns) {
    const col = {
      field: { name: "a", type: c.type, nullable: true },
      valid,
      ...c,
    };
    for (const rows of [all, some]) {
      for (const desc of [false, true]) {
        const key = { col, desc };
        const cmp = comparator([key]);
        const full = rows.slice().sort(cmp);
        for (const k of [1, 10, 500, 6000, rows.length]) {
          const label = `${JSON.stringify(c.type)} desc=${desc} k=${k}`;
          assert.deepEqual(topRows(rows, k, cmp), full.subarray(0, k), label);
          const bounds = orderBounds(key, rows);
          assert.ok(bounds, label);
          assert.deepEqual(
            topRows(rows, k, cmp, bounds),
            full.subarray(0, k),
            label,
          );
        }
      }
    }
  }
});

Deno.test("LIKE and ILIKE match DuckDB, escapes included", async () => {
  const texts = [
    "a%b",
    "axb",
    "a_b",
    "a\\b",
    "100%",
    "ÄÖ straße",
    "İstanbul",
    "ΑΣ",
    "日本語",
    "😀x",
    "",
    "%",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac",
  ];
  const patterns = [
    "a\\%b",
    "a\\_b",
    "a_b",
    "a\\\\b",
    "%\\%",
    "%",
    "",
    "_",
    "__",
    "ä%SSE",
    "%STRASSE",
    "i%",
    "ας",
    "ασ",
    "日_語",
    "_x",
    "\\a\\x\\b",
  ];
  const values = texts.map((t) => `('${t}')`).join(", ");
  for (const op of ["LIKE", "ILIKE"]) {
    const cols = patterns.map((p) =>
      `s ${op} '${p.replaceAll("'", "''")}' ESCAPE '\\'`
    ).join(", ");
    const want = await duck(`SELECT ${cols} FROM (VALUES ${values}) v(s)`);
    texts.forEach((t, i) => {
      patterns.forEach((p, j) => {
        assert.equal(
          likeMatcher(p, op === "ILIKE")(t),
          want[i]![j],
          `${JSON.stringify(t)} ${op} ${JSON.stringify(p)}`,
        );
      });
    });
  }
  // DuckDB's own matcher backtracks on this one (it never returns), so it is
  // checked here alone: linear matching answers at once.
  const started = performance.now();
  assert.equal(
    likeMatcher("%a%a%a%a%a%a%a%a%a%a%a%a%a%a%b", false)(texts.at(-1)!),
    false,
  );
  assert.ok(performance.now() - started < 50);
  assert.equal(duckLower("İΣAΣ ẞ"), "iσaσ ß");
  assert.throws(
    () => likeMatcher("ab\\", false),
    (e) => e instanceof ApiError && e.status === 400,
  );
});

Deno.test("strings order by UTF-8 bytes, not UTF-16 units", async () => {
  const words = ["\u{FFFD}", "😀", "z", "é", "\u{E000}", "Z", "😀a", ""];
  const sorted = words.slice().sort(compareUtf8);
  const want = (await duck(
    `SELECT s FROM (VALUES ${
      words.map((w) => `('${w}')`).join(", ")
    }) v(s) ORDER BY s`,
  )).map((r) => r[0]);
  assert.deepEqual(sorted, want);
  assert.ok(compareUtf8("😀", "\u{FFFD}") > 0 && "😀" < "\u{FFFD}");
  // Through the engine, with a dictionary column and nulls last.
  const { ds, engine } = await load(
    `SELECT CASE WHEN i = 3 THEN NULL ELSE ['\u{FFFD}', '😀', 'z'][1 + i % 3] END AS s FROM range(9) t(i)`,
  );
  const got = await query(engine, ds, {
    order_by: [{ col: "s", dir: "desc" }],
  });
  assert.deepEqual(got.columns[0]!.values.slice(0, 3), ["😀", "😀", "😀"]);
  assert.equal(got.columns[0]!.valid![8], 0);
});

Deno.test("NaN equals NaN and sorts above every number; nulls last", async () => {
  const { ds, engine } = await load(
    `SELECT i::INTEGER AS id, CASE WHEN i = 0 THEN 'NaN'::DOUBLE WHEN i = 1 THEN NULL
      WHEN i = 2 THEN 'Infinity'::DOUBLE ELSE i - 5.5 END AS x FROM range(8) t(i)`,
  );
  const desc = await query(engine, ds, {
    columns: ["id"],
    order_by: [{ col: "x", dir: "desc" }],
  });
  assert.deepEqual(
    desc.columns[0]!.values,
    Int32Array.from([0, 2, 7, 6, 5, 4, 3, 1]),
  );
  const asc = await query(engine, ds, {
    columns: ["id"],
    order_by: [{ col: "x", dir: "asc" }],
  });
  assert.deepEqual(
    asc.columns[0]!.values,
    Int32Array.from([3, 4, 5, 6, 7, 2, 0, 1]),
  );
  assert.equal(
    await count(engine, ds, {
      predicates: [{ col: "x", op: "eq", val: "NaN" }],
    }),
    1,
  );
  assert.equal(
    await count(engine, ds, {
      predicates: [{ col: "x", op: "gt", val: "Infinity" }],
    }),
    1,
  );
  assert.equal(
    await count(engine, ds, {
      predicates: [{ col: "x", op: "neq", val: 0.5 }],
    }),
    6,
  );
});

Deno.test("int64 beyond 2^53 and decimals compare exactly", async () => {
  const { ds, engine } = await load(
    `SELECT (9007199254740992 + i)::BIGINT AS big, (i / 4)::DECIMAL(18,2) AS d, 1::INTEGER AS k FROM range(6) t(i)`,
    { mode: "none" },
  );
  assert.equal(
    await count(engine, ds, {
      predicates: [{ col: "big", op: "eq", val: "9007199254740993" }],
    }),
    1,
  );
  assert.equal(
    await count(engine, ds, {
      predicates: [{ col: "big", op: "gt", val: "9007199254740993" }],
    }),
    4,
  );
  assert.equal(
    await count(engine, ds, {
      predicates: [{ col: "d", op: "eq", val: "0.5" }],
    }),
    1,
  );
  assert.equal(
    await count(engine, ds, {
      predicates: [{ col: "d", op: "lt", val: "0.251" }],
    }),
    2,
  );
  const g = await query(engine, ds, {
    group_by: ["k"],
    aggregations: [{ op: "sum", col: "big" }, { op: "max", col: "big" }],
  });
  assert.deepEqual(
    [
      ...(g.columns[1]!.values as BigInt64Array),
      ...(g.columns[2]!.values as BigInt64Array),
    ],
    [6n * 9007199254740992n + 15n, 9007199254740997n],
  );
});

Deno.test("sum and avg of doubles equal DuckDB's (plain sequential addition)", async () => {
  const sql =
    `SELECT i % 3 AS g, (i * 0.37 - 1000.1)::DOUBLE AS x FROM range(50000) t(i)`;
  const { ds, engine } = await load(sql, { mode: "none" });
  const got = await query(engine, ds, {
    group_by: ["g"],
    aggregations: [{ op: "sum", col: "x" }, { op: "avg", col: "x" }],
  });
  const want = await duck(
    `SELECT g, sum(x), avg(x) FROM (${sql}) GROUP BY g ORDER BY g`,
  );
  assert.deepEqual(
    want.map((r) => [r[1], r[2]]),
    [0, 1, 2].map((g) => [
      (got.columns[1]!.values as Float64Array)[g],
      (got.columns[2]!.values as Float64Array)[g],
    ]),
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
