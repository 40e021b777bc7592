/**
 * ?format=parquet on both engines: DuckDB reads the export back with the
 * same rows and types as the source, and the file streams out row group by
 * row group.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { writeFixture } from "../_shared/fixture.ts";
import { ROW_GROUP_ROWS } from "../../encode/parquet.ts";
import { testApp } from "./_app.ts";

// Types beyond the shared fixture's: nested, wide decimals, unsigned,
// nanosecond and zone-less timestamps, times, float32.
const EXTRA = `,
  CASE WHEN i % 6 = 0 THEN NULL ELSE {'a': i::INTEGER, 'b': 'x' || i, 'c': [i, NULL]} END AS st,
  CASE WHEN i % 4 = 0 THEN NULL ELSE MAP {'k' || (i % 3): i::DOUBLE / 4} END AS mp,
  i::DECIMAL(38,4) * 12345678901234567 - 7 AS huge,
  (18446744073709551615 - i)::UBIGINT AS ub,
  (i % 200)::UTINYINT AS u8,
  make_time(1, 2, 3.5 + i % 50) AS tm,
  ('2021-01-01'::TIMESTAMP_NS + to_microseconds(i * 1001)) AS tsn,
  ('1999-12-31 23:59:59'::TIMESTAMP_S + to_seconds(i)) AS tss,
  (i / 3)::FLOAT AS f4`;

/** The rows of SQL relation `a` that `b` lacks, and the reverse, as counts. */
async function differences(a: string, b: string): Promise<[number, number]> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    const n = async (sql: string) =>
      Number((await c.runAndReadAll(sql)).getRows()[0]![0]);
    return [
      await n(`SELECT count(*) FROM (${a} EXCEPT ALL ${b})`),
      await n(`SELECT count(*) FROM (${b} EXCEPT ALL ${a})`),
    ];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

async function types(path: string): Promise<string[][]> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    const r = await c.runAndReadAll(
      `DESCRIBE SELECT * FROM read_parquet('${path}')`,
    );
    return r.getRows().map((row) => [String(row[0]), String(row[1])]);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

for (const backend of ["duckdb", "memory"] as const) {
  Deno.test(`parquet export (${backend}): DuckDB reads back the same rows and types`, async () => {
    const source = await writeFixture(3_000, EXTRA);
    const t = await testApp({ backend }, source);
    const dir = await Deno.makeTempDir();
    try {
      const where = { col: "severity", op: "gte", val: 2 };
      const q = encodeURIComponent(JSON.stringify({
        predicates: [where],
        order_by: [{ col: "id", dir: "desc" }],
      }));
      const res = await t.call(
        "GET",
        `/api/v1/datasets/fx/query?format=parquet&q=${q}`,
      );
      assert.equal(res.status, 200);
      assert.equal(
        res.headers.get("content-type"),
        "application/vnd.apache.parquet",
      );
      assert.equal(
        res.headers.get("content-disposition"),
        'attachment; filename="fx.parquet"',
      );
      const out = `${dir}/out.parquet`;
      await Deno.writeFile(out, new Uint8Array(await res.arrayBuffer()));

      // Parquet has no second unit: TIMESTAMP_S comes back as milliseconds, which DuckDB reads as TIMESTAMP.
      const expected = (await types(source)).map((
        [n, t],
      ) => [n, t === "TIMESTAMP_S" ? "TIMESTAMP" : t]);
      assert.deepEqual(await types(out), expected);
      const [extra, missing] = await differences(
        `SELECT * FROM read_parquet('${out}')`,
        `SELECT * FROM read_parquet('${source}') WHERE severity >= 2`,
      );
      assert.equal(extra, 0, "rows in the export but not the source");
      assert.equal(missing, 0, "rows of the source missing from the export");

      // Row order is the request's.
      const db = await DuckDBInstance.create(":memory:");
      const c = await db.connect();
      const ids = (await c.runAndReadAll(
        `SELECT id FROM read_parquet('${out}') LIMIT 3`,
      )).getRows().map((r) => Number(r[0]));
      c.closeSync();
      db.closeSync();
      assert.deepEqual(ids, [2999, 2998, 2997]);

      // An empty result is still a valid file.
      const none = encodeURIComponent(JSON.stringify({
        predicates: [{ col: "id", op: "lt", val: -1 }],
      }));
      const empty = await t.call(
        "GET",
        `/api/v1/datasets/fx/query?format=parquet&q=${none}`,
      );
      await Deno.writeFile(
        `${dir}/empty.parquet`,
        new Uint8Array(await empty.arrayBuffer()),
      );
      assert.deepEqual(await types(`${dir}/empty.parquet`), expected);
    } finally {
      await t.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("parquet export streams: the first row group arrives before the last is encoded", async () => {
  const rows = ROW_GROUP_ROWS * 3;
  const t = await testApp({}, await writeFixture(rows));
  try {
    const res = await t.call(
      "POST",
      "/api/v1/datasets/fx/query?format=parquet",
      { columns: ["id", "state"] },
    );
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.ok(!first.done);
    assert.equal(new TextDecoder().decode(first.value.subarray(0, 4)), "PAR1");
    let chunks = 1;
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
      chunks++;
    }
    // A chunk per full row group, then the footer.
    assert.ok(chunks >= 3, `${chunks} chunks`);
  } finally {
    await t.close();
  }
});
