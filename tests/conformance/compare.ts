/**
 * Runs cases on both engines over one dataset: JSON answers must be the
 * same bytes, Arrow answers the same bytes, errors the same status and code.
 * The DuckDB engine runs twice: reading the view of the files, and reading
 * the native table built from it (storage "table", once built).
 */
import assert from "node:assert/strict";
import { type App, createApp } from "../../server/app.ts";
import { defaultConfig } from "../../server/config.ts";
import { datasetFromArg } from "../../server/dataset_config.ts";
import type { DuckDBEngine } from "../../engines/duckdb/mod.ts";
import type { Case } from "./cases.ts";

/** The apps `engineApps` makes, in its order. */
export const ENGINE_APPS = ["duckdb", "memory", "duckdb table"] as const;

/**
 * The apps serving `path` as dataset "fx", loaded: the DuckDB engine on
 * its view, the memory engine, and the DuckDB engine on its native table
 * (built); close them.
 */
export async function engineApps(path: string): Promise<App[]> {
  return await Promise.all(
    ENGINE_APPS.map(async (which) => {
      const app = await createApp({
        ...defaultConfig(),
        backend: which === "memory" ? "memory" : "duckdb",
        kv: ":memory:",
        datasets: [{
          ...datasetFromArg(path, 0),
          name: "fx",
          storage: which === "duckdb table" ? "table" : "view",
        }],
      });
      await app.loadAll();
      if (which === "duckdb table") {
        const engine = app.ctx.engine as DuckDBEngine;
        await engine.tablesBuilt();
        const ds = app.ctx.registry.entries.get("fx")!.current!.ds;
        if (ds.rows > 0 && engine.storage(ds) !== "table") {
          throw new Error(`no table was built for ${path}`);
        }
      }
      return app;
    }),
  );
}

export async function compareEngines(path: string, all: Case[]): Promise<void> {
  const apps = await engineApps(path);
  const failures: string[] = [];
  try {
    for (const c of all) {
      for (
        const accept of c.route === "query"
          ? ["application/json", "application/vnd.apache.arrow.stream"]
          : ["application/json"]
      ) {
        const answers = await Promise.all(apps.map(async (app) => {
          const res = await app.handler(
            new Request(`http://local/api/v1/datasets/fx/${c.route}`, {
              method: "POST",
              headers: { "content-type": "application/json", accept },
              body: JSON.stringify(c.body),
            }),
          );
          return {
            status: res.status,
            bytes: new Uint8Array(await res.arrayBuffer()),
          };
        }));
        const d = answers[0]!;
        const show = (a: typeof d) =>
          accept.includes("arrow")
            ? `${a.status} ${a.bytes.length} bytes`
            : `${a.status} ${new TextDecoder().decode(a.bytes).slice(0, 400)}`;
        for (const [i, m] of answers.entries()) {
          const same = d.status === m.status &&
            d.bytes.length === m.bytes.length && d.bytes.every((b, i) =>
              b === m.bytes[i]
            );
          if (!same) {
            failures.push(
              `${c.name} [${accept}]\n  duckdb: ${show(d)}\n  ${
                ENGINE_APPS[i]
              }: ${show(m)}`,
            );
          }
        }
      }
    }
  } finally {
    for (const app of apps) await app.close();
  }
  assert.deepEqual(
    failures,
    [],
    `${failures.length} of ${all.length} cases differ:\n${
      failures.slice(0, 8).join("\n")
    }`,
  );
}
