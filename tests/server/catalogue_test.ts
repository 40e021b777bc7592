/**
 * A catalogue of 1,000 datasets (API.md: "One server holds at least 1,000
 * datasets"): two replicas on one KV file start together, list every
 * dataset, hold no file or connection per dataset, and follow a reload of
 * one dataset among the thousand.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { type Replica, startReplica } from "../_shared/replica.ts";

const COUNT = 1_000;
const TOKEN = "s3cret";

async function writeTiny(path: string, rows: number): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run(
    `COPY (SELECT range AS id, range % 7 AS k FROM range(${rows})) TO '${path}.tmp' (FORMAT parquet)`,
  );
  c.closeSync();
  db.closeSync();
  await Deno.rename(`${path}.tmp`, path);
}

/** Open file descriptors of a process (sockets, files, the KV, DuckDB). */
function openFiles(pid: number): number {
  return [...Deno.readDirSync(`/proc/${pid}/fd`)].length;
}

Deno.test("1,000 datasets: two replicas start, list them all and follow a reload", async () => {
  const dir = await Deno.makeTempDir({ prefix: "datapress-catalogue-" });
  const shared = `${dir}/tiny.parquet`;
  const own = `${dir}/last.parquet`;
  await writeTiny(shared, 10);
  await writeTiny(own, 10);
  // One file referenced 999 times, and one dataset of its own to reload.
  const datasets = Array.from({ length: COUNT }, (_, i) => ({
    name: `d${i}`,
    source: i === COUNT - 1 ? own : shared,
  }));
  const config = `${dir}/datapress.json`;
  await Deno.writeTextFile(
    config,
    JSON.stringify({ datasets, kv: `${dir}/kv.sqlite3` }),
  );
  const replicas: Replica[] = [];
  try {
    const started = performance.now();
    replicas.push(
      ...await Promise.all(
        [1, 2].map(() =>
          startReplica(["--config", config], { ADMIN_TOKEN: TOKEN })
        ),
      ),
    );
    const startMs = performance.now() - started;
    const [a, b] = replicas as [Replica, Replica];
    for (const r of replicas) {
      const ready = await (await fetch(`${r.url}/readyz`)).json();
      assert.deepEqual(ready, { status: "ready", datasets: COUNT });
      const list = (await (await fetch(`${r.url}/api/v1/datasets`)).json())
        .datasets;
      assert.equal(list.length, COUNT);
      assert.ok(list.every((d: { version: number }) => d.version === 1));
      assert.ok(
        openFiles(r.pid) < 200,
        `${openFiles(r.pid)} open files for ${COUNT} datasets`,
      );
    }

    await writeTiny(own, 12);
    const res = await fetch(`${a.url}/api/v1/datasets/d${COUNT - 1}/reload`, {
      method: "POST",
      headers: { "x-admin-token": TOKEN },
    });
    assert.equal((await res.json()).version, 2);
    const reloaded = performance.now();
    for (;;) {
      const count = await (await fetch(
        `${b.url}/api/v1/datasets/d${COUNT - 1}/count`,
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        },
      )).json();
      if (count.version === 2) {
        assert.equal(count.count, 12);
        break;
      }
      assert.ok(performance.now() - reloaded < 2_000, "B follows within 2 s");
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const r of replicas) {
      assert.doesNotMatch(r.stderr(), /"level":"(warn|error)"/, r.stderr());
    }
    console.log(
      `two replicas of ${COUNT} datasets ready in ${Math.round(startMs)} ms`,
    );
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
  }
});
