/**
 * The memory engine's query semantics against DuckDB's: top-k equal to a
 * full sort, LIKE escapes, UTF-8 order, NaN, int64/decimal exactness and
 * float sums as DuckDB adds them. DuckDB, queried directly, is the
 * reference.
 */
import assert from "node:assert/strict";
import {
  compareUtf8,
  type StoredColumn,
} from "../../../engines/memory/columns.ts";
import {
  comparator,
  orderBounds,
  topRows,
} from "../../../engines/memory/order.ts";
import { duckLower, likeMatcher } from "../../../query/like.ts";
import { ApiError } from "../../../data/errors.ts";
import type { DataType } from "../../../data/types.ts";
import { count, duck, load, query } from "./_engine.ts";

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
  const dict = ["a", "b", "c", "é"];
  // Bytes strings sharing prefixes past the 6 bytes a bound reads.
  const words = ["prefix-long-b", "prefix-long-a", "préfixe", "", "p", "😀x"];
  const utf8 = new TextEncoder();
  const texts = Array.from({ length: n }, () => utf8.encode(pick(words)));
  const offsets = new Int32Array(n + 1);
  texts.forEach((t, i) => offsets[i + 1] = offsets[i]! + t.length);
  const bytes = new Uint8Array(offsets[n]!);
  texts.forEach((t, i) => bytes.set(t, offsets[i]));
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
      },
      {
        type: { kind: "string" } as const,
        values: { bytes, offsets },
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
