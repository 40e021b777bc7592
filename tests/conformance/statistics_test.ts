/**
 * Files whose writers got min/max statistics wrong give the right rows on
 * both engines (bare DuckDB answers 0 to every count below), and a file
 * with sound statistics keeps DuckDB's pruning.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { relationSql } from "../../engines/duckdb/relation.ts";
import { resolveSource } from "../../sources/resolve.ts";
import { writeLegacyStats } from "../sources/_legacy_stats.ts";
import type { Case } from "./cases.ts";
import { compareEngines, ENGINE_APPS, engineApps } from "./compare.ts";

const FIXED_DECIMAL = new URL(
  "../fixtures/parquet/fixed_length_decimal.parquet",
  import.meta.url,
).pathname;

type Predicate = { col: string; op: string; val?: unknown };

/** Each engine's count for each predicate list. */
async function counts(path: string, all: Predicate[][]): Promise<number[][]> {
  const apps = await engineApps(path);
  try {
    return await Promise.all(apps.map(async (app) => {
      const out: number[] = [];
      for (const predicates of all) {
        const res = await app.handler(
          new Request("http://local/api/v1/datasets/fx/count", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ predicates }),
          }),
        );
        assert.equal(res.status, 200, await res.clone().text());
        out.push((await res.json()).count);
      }
      return out;
    }));
  } finally {
    for (const app of apps) await app.close();
  }
}

const countCases = (all: Predicate[][]): Case[] =>
  all.map((predicates, i) => ({
    name: `count ${i}`,
    route: "count",
    body: { predicates },
  }));

Deno.test("statistics: fixed_length_decimal.parquet (parquet-mr 1.8.2) counts right on both engines", async () => {
  const asked: Predicate[][] = [
    [{ col: "value", op: "eq", val: "1.00" }],
    [{ col: "value", op: "in", val: ["1.00", "2.00", "3.00"] }],
    [{ col: "value", op: "lte", val: "1.00" }],
    [{ col: "value", op: "gt", val: "23.50" }],
  ];
  const want = [1, 3, 1, 1];
  assert.deepEqual(
    await counts(FIXED_DECIMAL, asked),
    ENGINE_APPS.map(() => want),
  );
  await compareEngines(FIXED_DECIMAL, [
    ...countCases(asked),
    {
      name: "in rows",
      route: "query",
      body: {
        predicates: asked[1],
        order_by: [{ col: "value", dir: "desc" }],
      },
    },
    {
      name: "groups",
      route: "query",
      body: { group_by: ["value"], aggregations: [{ op: "count" }] },
    },
  ]);
});

Deno.test("statistics: strings and unsigned ints with parquet-mr 1.9's signed min/max count right on both engines", async () => {
  const path = `${await Deno.makeTempDir()}/legacy.parquet`;
  await writeLegacyStats(path, [
    {
      element: {
        name: "s",
        type: "BYTE_ARRAY",
        converted_type: "UTF8",
        repetition_type: "OPTIONAL",
      },
      data: ["a", "é", "b", "c", null, "zz"],
    },
    {
      element: {
        name: "u",
        type: "INT32",
        converted_type: "UINT_32",
        repetition_type: "OPTIONAL",
      },
      data: [1, 3_000_000_000, 2, 3, 4, 5],
    },
  ], 2);
  const asked: Predicate[][] = [
    [{ col: "s", op: "eq", val: "é" }],
    [{ col: "s", op: "eq", val: "a" }],
    [{ col: "s", op: "in", val: ["a", "é"] }],
    [{ col: "s", op: "gte", val: "é" }],
    [{ col: "u", op: "eq", val: 1 }],
    [{ col: "u", op: "eq", val: 3_000_000_000 }],
    [{ col: "u", op: "gt", val: 2_000_000_000 }],
  ];
  const want = [1, 1, 2, 1, 1, 1, 1];
  assert.deepEqual(await counts(path, asked), ENGINE_APPS.map(() => want));
  await compareEngines(path, countCases(asked));
});

Deno.test("statistics: a Delta table's data file by parquet-mr 1.9 counts right on both engines", async () => {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(`${root}/_delta_log`);
  await writeLegacyStats(`${root}/part-0.parquet`, [{
    element: {
      name: "col-s",
      type: "BYTE_ARRAY",
      converted_type: "UTF8",
      repetition_type: "OPTIONAL",
    },
    data: ["a", "é", "b", "c"],
  }], 2);
  const field = {
    name: "s",
    type: "string",
    nullable: true,
    metadata: {
      "delta.columnMapping.id": 1,
      "delta.columnMapping.physicalName": "col-s",
    },
  };
  const log = [
    { protocol: { minReaderVersion: 2, minWriterVersion: 5 } },
    {
      metaData: {
        id: "t",
        format: { provider: "parquet", options: {} },
        schemaString: JSON.stringify({ type: "struct", fields: [field] }),
        partitionColumns: [],
        configuration: { "delta.columnMapping.mode": "name" },
      },
    },
    {
      add: {
        path: "part-0.parquet",
        partitionValues: {},
        size: (await Deno.stat(`${root}/part-0.parquet`)).size,
        modificationTime: 0,
        dataChange: true,
      },
    },
  ];
  await Deno.writeTextFile(
    `${root}/_delta_log/00000000000000000000.json`,
    log.map((l) => JSON.stringify(l)).join("\n") + "\n",
  );
  const asked: Predicate[][] = [
    [{ col: "s", op: "eq", val: "é" }],
    [{ col: "s", op: "eq", val: "a" }],
  ];
  assert.deepEqual(await counts(root, asked), ENGINE_APPS.map(() => [1, 1]));
});

Deno.test("statistics: DuckDB still prunes by sound statistics and stops at distrusted ones", async () => {
  const dir = await Deno.makeTempDir();
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    await conn.run(
      `COPY (SELECT (i / 100)::DECIMAL(25,2) AS value FROM range(2400) t(i))
       TO '${dir}/good.parquet' (FORMAT parquet, ROW_GROUP_SIZE 100)`,
    );
    const plan = async (path: string, where: string) => {
      const source = await resolveSource({ name: "t", source: path });
      const rows = (await conn.runAndReadAll(
        `EXPLAIN ANALYZE SELECT count(*) FROM (${
          relationSql(source, source.files)
        }) WHERE ${where}`,
      )).getRowsJS();
      return String(rows[0]![1]);
    };
    // Sound statistics: the filter reaches the scan, which skips row
    // groups by them.
    const good = await plan(`${dir}/good.parquet`, "value = 1.00");
    assert.match(good, /Filters: value=1\.00/);
    // Distrusted statistics: not folded into an empty result; the scan
    // gets an expression filter, tested row by row, never a column filter
    // checked against the statistics.
    const bad = await plan(FIXED_DECIMAL, "value = 1.00");
    assert.doesNotMatch(bad, /EMPTY_RESULT/);
    assert.doesNotMatch(bad, /Filters: value=/);
    assert.match(bad, /\(TRY\(value\) = 1\.00\)/);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
});
