/**
 * datapress as a library: `serve(config)` runs the same server as the CLI
 * inside your program, with the config file's keys; the TypeScript client
 * and the config types come with it.
 *
 * @example
 * ```ts
 * import { DataPressClient, serve } from "@datapress/datapress";
 *
 * const server = await serve({
 *   datasets: [{ name: "sales", source: "data/sales.parquet" }],
 * });
 * const dp = new DataPressClient(server.url);
 * console.log(await dp.datasets()); // ["sales"]
 * await server.reload("sales"); // after the file changed
 * await server.close();
 * ```
 * @module
 */
import { createApp } from "./server/app.ts";
import {
  defaultConfig,
  parseConfig,
  type ServerConfig,
} from "./server/config.ts";
import type { DatasetConfig } from "./server/dataset_config.ts";
import { loadDataset, type LoadResult } from "./server/loader.ts";

export * from "./client/mod.ts";
export { ConfigError } from "./server/config.ts";
export type { DatasetConfig, LoadResult, ServerConfig };
export { SourceError } from "./sources/errors.ts";
export type { S3Config } from "./sources/s3/config.ts";
export type { AuthConfig } from "./auth/mod.ts";

/**
 * What `serve` takes: the keys of a `--config` file (README's config
 * reference), every one optional but each dataset's `name` and `source`.
 */
export type ServeConfig =
  & Partial<Omit<ServerConfig, "datasets" | "auth">>
  & {
    datasets: (Partial<DatasetConfig> & { name: string; source: string })[];
    auth?: Record<string, unknown>;
  };

export interface ServeOptions {
  /** The admin token for the reload route (instead of ADMIN_TOKEN). */
  adminToken?: string;
}

/** A running embedded server. */
export interface DataPressServer {
  /** `http://HOST:PORT` plus the prefix: where the API and the UI are. */
  readonly url: string;
  /** The validated config it runs with. */
  readonly config: ServerConfig;
  /** Reloads one dataset, as the reload route does; rejects naming an unknown one. */
  reload(name: string): Promise<LoadResult>;
  /** Stops accepting, waits for requests in flight, frees every dataset. */
  close(): Promise<void>;
}

/**
 * Validates `config` as the CLI validates a config file (a ConfigError
 * names the key), loads every dataset (a SourceError says which could not
 * be read) and listens; `port` defaults to 0, a free port, read it from
 * `url`.
 */
export async function serve(
  config: ServeConfig,
  options: ServeOptions = {},
): Promise<DataPressServer> {
  const valid = parseConfig(config, { ...defaultConfig(), port: 0 });
  const app = await createApp(valid, { adminToken: options.adminToken });
  let listener: ReturnType<typeof app.listen> | undefined;
  try {
    await app.loadAll();
    listener = app.listen();
    const base = await listener.url;
    return {
      url: base + valid.prefix,
      config: valid,
      reload(name) {
        if (!app.ctx.registry.entries.has(name)) {
          return Promise.reject(new Error(`no dataset named "${name}"`));
        }
        return loadDataset(app.ctx, name);
      },
      async close() {
        await listener!.shutdown();
        await app.close();
      },
    };
  } catch (e) {
    await listener?.shutdown().catch(() => {});
    await app.close().catch(() => {});
    throw e;
  }
}
