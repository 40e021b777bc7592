/**
 * Partition pruning as files opened: after load, every data file of the
 * partitions a query excludes is overwritten in place with garbage (same
 * inode, same size). A query whose partition predicate excludes them still
 * answers correctly, so those files were never opened; a query that needs
 * them fails, so the corruption would have been noticed.
 *
 * The memory engine decodes every file at load, so for it pruning is a scan
 * detail, not a file read; the conformance suite already compares its
 * partition-predicate answers with DuckDB's.
 */
import assert from "node:assert/strict";
import { createApp } from "../../server/app.ts";
import { defaultConfig } from "../../server/config.ts";
import { datasetFromArg } from "../../server/dataset_config.ts";
import { openDuck } from "./_duck.ts";
import { writeCommit, writeDataFile } from "./_delta_table.ts";

const NAME = "parts";
const PARTS = ["a", "b", "c"] as const;
const ROWS = 300;
/** Row `i` has id i, val 10*i and sits in partition PARTS[i % 3]. */
const rowsOf = (part: string) =>
  Array.from({ length: ROWS }, (_, i) => i).filter((i) =>
    PARTS[i % 3] === part
  );

/** A hive tree part=a/, part=b/, part=c/ written by DuckDB's PARTITION_BY. */
async function hiveTree(root: string): Promise<void> {
  const duck = await openDuck();
  try {
    await duck.run(
      `COPY (SELECT range::BIGINT AS id, (range * 10)::BIGINT AS val, ['a','b','c'][range % 3 + 1] AS part FROM range(${ROWS}))
       TO '${root}' (FORMAT parquet, PARTITION_BY (part))`,
    );
  } finally {
    duck.close();
  }
}

/** A Delta table partitioned by `part`, two files per partition. */
async function deltaTable(root: string): Promise<void> {
  const duck = await openDuck();
  try {
    const adds = [];
    for (const [p, part] of PARTS.entries()) {
      for (const half of [0, 1]) {
        const path = `part=${part}/${half}.parquet`;
        await writeDataFile(
          duck,
          root,
          path,
          `SELECT range::BIGINT AS id, (range * 10)::BIGINT AS val FROM range(${ROWS}) WHERE range % 3 = ${p} AND range % 2 = ${half}`,
        );
        adds.push({ add: { path, partitionValues: { part } } });
      }
    }
    await writeCommit(root, 0, adds, {
      columns: [["id", "long"], ["val", "long"], ["part", "string"]],
      partitionColumns: ["part"],
    });
  } finally {
    duck.close();
  }
}

/** Every parquet file under `dir`, recursively, skipping the Delta log. */
async function parquetFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory && e.name !== "_delta_log") {
      out.push(...await parquetFiles(path));
    } else if (e.isFile && e.name.endsWith(".parquet")) out.push(path);
  }
  return out.sort();
}

/** Garbage over everything between the leading and trailing `PAR1`, written through the same inode. */
async function corruptInPlace(path: string): Promise<void> {
  const before = await Deno.stat(path);
  const file = await Deno.open(path, { write: true });
  try {
    await file.seek(4, Deno.SeekMode.Start);
    const garbage = new Uint8Array(before.size - 8).fill(0xa5);
    let written = 0;
    while (written < garbage.length) {
      written += await file.write(garbage.subarray(written));
    }
  } finally {
    file.close();
  }
  // DuckDB's external file cache keeps the footers it read at load while the
  // mtime (whole seconds) is unchanged; a later mtime makes any open of this
  // file, even only to bind its schema, see the garbage.
  const later = new Date((before.mtime?.getTime() ?? Date.now()) + 60_000);
  await Deno.utime(path, later, later);
  const after = await Deno.stat(path);
  assert.equal(after.ino, before.ino);
  assert.equal(after.size, before.size);
}

async function prunedFilesAreNeverOpened(
  kind: "hive" | "delta",
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: `datapress-prune-${kind}-` });
  await (kind === "hive" ? hiveTree(root) : deltaTable(root));
  const files = await parquetFiles(root);
  assert.equal(files.length, kind === "hive" ? 3 : 6);
  const app = await createApp({
    ...defaultConfig(),
    backend: "duckdb",
    kv: ":memory:",
    // The view: a table copies the data in at load, and this test is
    // about which files a query opens.
    datasets: [{ ...datasetFromArg(root, 0), name: NAME, storage: "view" }],
  });
  const call = async (route: "query" | "count", body: unknown) => {
    const res = await app.handler(
      new Request(`http://local/api/v1/datasets/${NAME}/${route}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
    return { status: res.status, body: await res.json() };
  };
  try {
    await app.loadAll();
    const ds = app.ctx.registry.entries.get(NAME)!.current!.ds;
    assert.equal(ds.source.format, kind === "hive" ? "parquet" : "delta");
    assert.deepEqual(ds.source.partitionColumns.map((f) => f.name), ["part"]);

    // The engine reads private hard links: writes at the source paths must reach the same inodes.
    const inodes = new Set(
      await Promise.all(files.map(async (f) => (await Deno.stat(f)).ino)),
    );
    assert.equal(ds.source.files.length, files.length);
    for (const f of ds.source.files) {
      assert.ok(!files.includes(f.path), "the engine pinned its own link");
      assert.ok(
        inodes.has((await Deno.stat(f.path)).ino),
        "the pinned link is the source file's inode",
      );
    }

    for (const f of files) {
      if (!f.includes("part=a/")) await corruptInPlace(f);
    }

    const a = rowsOf("a");
    const sumA = a.reduce((s, i) => s + 10 * i, 0);
    const rows = await call("query", {
      columns: ["id", "val", "part"],
      predicates: [{ col: "part", op: "eq", val: "a" }],
      order_by: [{ col: "id" }],
      page_size: 1000,
    });
    assert.equal(rows.status, 200, JSON.stringify(rows.body));
    assert.deepEqual(
      rows.body.rows,
      a.map((i) => ({ id: i, val: 10 * i, part: "a" })),
    );
    const counted = await call("count", {
      predicates: [{ col: "part", op: "in", val: ["a"] }, {
        col: "val",
        op: "gte",
        val: 0,
      }],
    });
    assert.equal(counted.status, 200, JSON.stringify(counted.body));
    assert.equal(counted.body.count, a.length);
    const grouped = await call("query", {
      predicates: [{ col: "part", op: "like", val: "a%" }],
      group_by: ["part"],
      aggregations: [{ op: "count" }, { op: "sum", col: "val" }],
    });
    assert.equal(grouped.status, 200, JSON.stringify(grouped.body));
    assert.deepEqual(grouped.body.rows, [{
      part: "a",
      count: a.length,
      sum_val: sumA,
    }]);

    // The same data without the partition predicate reaches the corrupted files and fails.
    for (
      const [route, body] of [
        ["query", { columns: ["val"], page_size: 1000 }],
        ["query", { predicates: [{ col: "part", op: "eq", val: "b" }] }],
        ["count", { predicates: [{ col: "val", op: "gte", val: 0 }] }],
      ] as const
    ) {
      const res = await call(route, body);
      assert.notEqual(
        res.status,
        200,
        `${route} ${
          JSON.stringify(body)
        } read corrupted files without noticing`,
      );
      assert.doesNotMatch(JSON.stringify(res.body), new RegExp(root));
    }
  } finally {
    await app.close();
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("duckdb never opens files of pruned hive partitions", () =>
  prunedFilesAreNeverOpened("hive"));

Deno.test("duckdb never opens files of pruned Delta partitions", () =>
  prunedFilesAreNeverOpened("delta"));
