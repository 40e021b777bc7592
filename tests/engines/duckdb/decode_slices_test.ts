/**
 * decodeColumns' reading order on a file of several slices: whole row
 * groups gathered into slices, the non-string columns read first, then the
 * strings kept as bytes once their statistics are in, then the dictionary
 * columns, every row in file order.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  decodeColumns,
  type DecodeProgress,
} from "../../../engines/duckdb/mod.ts";
import { resolveSource } from "../../../sources/resolve.ts";
import { utf8Cell } from "./_canonical.ts";

async function sql(text: string): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    await c.run(text);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

Deno.test("decode: slices of whole row groups, pipelined, give every row in order", async () => {
  const dir = await Deno.makeTempDir({ prefix: "datapress-decode-big-" });
  const path = `${dir}/big.parquet`;
  const rows = 700_000;
  // DuckDB writes row groups in multiples of 2048 rows.
  await sql(
    `COPY (SELECT i::BIGINT AS id, ['red', 'green', NULL][1 + i % 3] AS colour,
      CASE WHEN i % 7 = 3 THEN NULL ELSE 'u' || i || repeat('é', i % 9) END AS uid
      FROM range(${rows}) t(i))
    TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 102400)`,
  );
  const source = await resolveSource({ name: "t", source: path });
  const progress: DecodeProgress[] = [];
  const table = await decodeColumns(source, {
    onProgress: (p) => progress.push(p),
  });
  assert.equal(table.rows, rows);
  // Slices of at least 2^18 rows: id first, then uid (bytes) once the
  // statistics are in, then colour (codes) once its dictionary is; progress
  // counts rows' worth of values (a column is a third of a row).
  const done = [307_200, 614_400, rows];
  assert.deepEqual(
    progress,
    [0, 1, 2].flatMap((pass) =>
      done.map((r) => Math.floor((pass * rows + r) / 3))
    ).map((rowsRead, i) => ({ rowsRead, rows, slice: i + 1, slices: 9 })),
  );
  const [id, colour, uid] = table.columns;
  const ids = id!.values as BigInt64Array;
  const codes = colour!.values as Int8Array;
  // Strings of up to 12 bytes and longer ones (read in runs), and nulls.
  assert.deepEqual(colour!.dictionary, ["green", "red"]);
  assert.equal(uid!.dictionary, undefined);
  for (let r = 0; r < rows; r++) {
    const s = utf8Cell(uid!, r);
    const want = r % 7 === 3 ? "" : `u${r}${"é".repeat(r % 9)}`;
    if (
      ids[r] !== BigInt(r) || codes[r] !== [1, 0, -1][r % 3] || s !== want ||
      (uid!.valid![r] === 0) !== (r % 7 === 3)
    ) {
      assert.fail(`row ${r}: ${ids[r]} ${codes[r]} ${s}`);
    }
  }
  await Deno.remove(dir, { recursive: true });
});
