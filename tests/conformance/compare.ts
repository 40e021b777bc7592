/**
 * Runs cases on both engines over one dataset: JSON answers must be the
 * same bytes, Arrow answers the same bytes, errors the same status and code.
 */
import assert from "node:assert/strict";
import { type App, createApp } from "../../server/app.ts";
import { defaultConfig } from "../../server/config.ts";
import { datasetFromArg } from "../../server/dataset_config.ts";
import type { Case } from "./cases.ts";

/** The app of each engine serving `path` as dataset "fx", loaded; close them. */
export async function engineApps(path: string): Promise<App[]> {
  return await Promise.all(
    (["duckdb", "memory"] as const).map(async (backend) => {
      const app = await createApp({
        ...defaultConfig(),
        backend,
        kv: ":memory:",
        datasets: [{ ...datasetFromArg(path, 0), name: "fx" }],
      });
      await app.loadAll();
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
        const [d, m] = answers as [
          { status: number; bytes: Uint8Array },
          { status: number; bytes: Uint8Array },
        ];
        const same = d.status === m.status &&
          d.bytes.length === m.bytes.length && d.bytes.every((b, i) =>
            b === m.bytes[i]
          );
        if (!same) {
          const show = (a: typeof d) =>
            accept.includes("arrow")
              ? `${a.status} ${a.bytes.length} bytes`
              : `${a.status} ${
                new TextDecoder().decode(a.bytes).slice(0, 400)
              }`;
          failures.push(
            `${c.name} [${accept}]\n  duckdb: ${show(d)}\n  memory: ${show(m)}`,
          );
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
