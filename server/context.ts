/** What every handler receives: the config, the datasets, the engine and the stores. */
import type { Authenticator } from "../auth/mod.ts";
import type { AnswerCache } from "./answer_cache.ts";
import type { Engine } from "../engines/engine.ts";
import type { MetaStore } from "../store/kv.ts";
import type { TextToParquet } from "../sources/resolve.ts";
import type { ServerConfig } from "./config.ts";
import type { Follower } from "./follow.ts";
import type { Metrics } from "./metrics.ts";
import type { Registry } from "./registry.ts";

export interface Context {
  config: ServerConfig;
  registry: Registry;
  engine: Engine;
  store: MetaStore;
  auth: Authenticator;
  metrics: Metrics;
  /** Encoded answers of query and count requests (`cache_bytes`). */
  answers: AnswerCache;
  /** Follows reloads made by the other replicas sharing the KV. */
  follower: Follower;
  /** Reads CSV/NDJSON sources (DuckDB's readers, whatever the engine). */
  textToParquet: TextToParquet;
}

/** A handler gets the request, its path parameters and an abort signal tied to the request timeout. */
export type Handler = (
  ctx: Context,
  req: Request,
  params: Record<string, string>,
  signal: AbortSignal,
) => Promise<Response>;
