/**
 * The server configuration: the seed's DataPressConfig and DatasetConfig in
 * snake_case, validated once at start. A bad value is a ConfigError naming
 * its key; main.ts prints it and exits with code 2.
 */
import {
  type AuthConfig,
  ConfigError,
  validateAuthConfig,
} from "../auth/mod.ts";
import { parseCorsOrigins } from "./cors.ts";
import { bool, checkKeys, int, obj, oneOf, str } from "./config_values.ts";
import {
  checkDatasetNames,
  type DatasetConfig,
  parseDataset,
} from "./dataset_config.ts";

export { ConfigError };

export type Backend = "duckdb" | "memory";

export interface ServerConfig {
  backend: Backend;
  listen: string;
  port: number;
  workers: number;
  prefix: string;
  compress: boolean;
  max_body_bytes: number;
  max_page_size: number;
  request_timeout_ms: number;
  /** An export whose client reads nothing for this long is cut off (0 = never). */
  export_idle_timeout_ms: number;
  /** Headers must arrive within this, else the connection closes. */
  header_timeout_ms: number;
  /** A request body must arrive within this, else 408 (0 = never). */
  body_timeout_ms: number;
  shutdown_timeout_secs: number;
  metrics_enabled: boolean;
  metrics_path: string;
  memory_limit_bytes: number;
  /** Byte budget of the answer cache (0 = no cache). */
  cache_bytes: number;
  /** How long a reload's previous version stays servable to pinned requests. */
  version_grace_secs: number;
  datasets: DatasetConfig[];
  auth: AuthConfig | undefined;
  /** Deno KV location: a path, `:memory:` or a KV Connect URL. */
  kv: string;
  /** Origins allowed to call the API from a browser (`["*"]`: any); empty = CORS off. */
  cors_origins: string[];
}

const TOP_KEYS = [
  "backend",
  "listen",
  "port",
  "workers",
  "prefix",
  "compress",
  "max_body_bytes",
  "max_page_size",
  "request_timeout_ms",
  "export_idle_timeout_ms",
  "header_timeout_ms",
  "body_timeout_ms",
  "shutdown_timeout_secs",
  "metrics_enabled",
  "metrics_path",
  "memory_limit_bytes",
  "cache_bytes",
  "version_grace_secs",
  "datasets",
  "auth",
  "kv",
  "cors_origins",
];
/** The default KV file: `$XDG_CACHE_HOME/datapress/kv.sqlite3` (or ~/.cache). */
export function defaultKvPath(): string {
  const cache = Deno.env.get("XDG_CACHE_HOME") ??
    `${Deno.env.get("HOME") ?? "."}/.cache`;
  return `${cache}/datapress/kv.sqlite3`;
}

/**
 * The folder for files the server keeps beside its KV (pinned dataset
 * files, the S3 object cache): the KV file's folder, or the default KV's
 * folder for an in-memory or remote KV.
 */
export function cacheDir(config: Pick<ServerConfig, "kv">): string {
  const kv = config.kv === ":memory:" || /^https?:\/\//.test(config.kv)
    ? defaultKvPath()
    : config.kv;
  const slash = kv.lastIndexOf("/");
  return slash < 0 ? "." : kv.slice(0, slash) || "/";
}

export function defaultConfig(): ServerConfig {
  return {
    backend: "duckdb",
    listen: "127.0.0.1",
    port: 8000,
    workers: navigator.hardwareConcurrency || 2,
    prefix: "",
    compress: true,
    max_body_bytes: 1_048_576,
    max_page_size: 100_000,
    request_timeout_ms: 30_000,
    export_idle_timeout_ms: 60_000,
    header_timeout_ms: 10_000,
    body_timeout_ms: 30_000,
    shutdown_timeout_secs: 30,
    metrics_enabled: false,
    metrics_path: "/metrics",
    memory_limit_bytes: Math.floor(Deno.systemMemoryInfo().total * 0.75),
    cache_bytes: 64 * 1024 * 1024,
    version_grace_secs: 300,
    datasets: [],
    auth: undefined,
    kv: defaultKvPath(),
    cors_origins: [],
  };
}

export function validatePrefix(v: string, key = "prefix"): string {
  if (v !== "" && (!v.startsWith("/") || v.endsWith("/") || /[\s?#]/.test(v))) {
    throw new ConfigError(
      key,
      'must start with "/" and not end with "/" (or be "")',
    );
  }
  return v;
}

export function parseBackend(v: unknown, key: string): Backend {
  const b = oneOf(v, ["duckdb", "memory", "datafusion"] as const, key);
  return b === "datafusion" ? "memory" : b;
}

export function parseConfig(
  raw: unknown,
  base: ServerConfig = defaultConfig(),
): ServerConfig {
  const o = obj(raw, "config");
  checkKeys(o, TOP_KEYS, "");
  const c = { ...base };
  if (o.backend !== undefined) c.backend = parseBackend(o.backend, "backend");
  if (o.listen !== undefined) c.listen = str(o.listen, "listen");
  if (o.port !== undefined) c.port = int(o.port, "port", 0, 65535);
  if (o.workers !== undefined) c.workers = int(o.workers, "workers", 1, 1024);
  if (o.prefix !== undefined) {
    c.prefix = validatePrefix(str(o.prefix, "prefix"));
  }
  if (o.compress !== undefined) c.compress = bool(o.compress, "compress");
  if (o.max_body_bytes !== undefined) {
    c.max_body_bytes = int(o.max_body_bytes, "max_body_bytes", 1);
  }
  if (o.max_page_size !== undefined) {
    c.max_page_size = int(o.max_page_size, "max_page_size", 1);
  }
  if (o.request_timeout_ms !== undefined) {
    c.request_timeout_ms = int(o.request_timeout_ms, "request_timeout_ms", 0);
  }
  for (
    const k of [
      "export_idle_timeout_ms",
      "header_timeout_ms",
      "body_timeout_ms",
    ] as const
  ) {
    if (o[k] !== undefined) c[k] = int(o[k], k, 0);
  }
  if (o.shutdown_timeout_secs !== undefined) {
    c.shutdown_timeout_secs = int(
      o.shutdown_timeout_secs,
      "shutdown_timeout_secs",
      0,
    );
  }
  if (o.metrics_enabled !== undefined) {
    c.metrics_enabled = bool(o.metrics_enabled, "metrics_enabled");
  }
  if (o.metrics_path !== undefined) {
    c.metrics_path = str(o.metrics_path, "metrics_path");
    if (!c.metrics_path.startsWith("/") || c.metrics_path.startsWith("/api/")) {
      throw new ConfigError(
        "metrics_path",
        'must start with "/" and not collide with /api/',
      );
    }
  }
  if (o.memory_limit_bytes !== undefined) {
    c.memory_limit_bytes = int(o.memory_limit_bytes, "memory_limit_bytes", 1);
  }
  if (o.cache_bytes !== undefined) {
    c.cache_bytes = int(o.cache_bytes, "cache_bytes", 0);
  }
  if (o.version_grace_secs !== undefined) {
    c.version_grace_secs = int(
      o.version_grace_secs,
      "version_grace_secs",
      0,
      86_400,
    );
  }
  if (o.kv !== undefined) c.kv = str(o.kv, "kv");
  if (o.cors_origins !== undefined) {
    c.cors_origins = parseCorsOrigins(o.cors_origins);
  }
  if (o.datasets !== undefined) {
    if (!Array.isArray(o.datasets)) {
      throw new ConfigError("datasets", "must be an array");
    }
    c.datasets = o.datasets.map(parseDataset);
  }
  if (o.auth !== undefined) c.auth = validateAuthConfig(o.auth, "auth");
  checkDatasetNames(c.datasets);
  return c;
}
