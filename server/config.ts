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
import type { S3Config } from "../sources/s3/config.ts";
import { closest } from "../query/parse.ts";
import { parseCorsOrigins } from "./cors.ts";

export { ConfigError };

export type Backend = "duckdb" | "memory";

export interface DatasetConfig {
  name: string;
  source: string;
  format?: "parquet" | "delta" | "csv" | "ndjson";
  mode: "auto" | "none" | "list";
  description: string;
  s3?: S3Config;
  index_columns: string[];
  index_max_cardinality: number;
  version?: number;
  timestamp?: string;
  reload_interval_secs?: number;
}

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
const DATASET_KEYS = [
  "name",
  "source",
  "format",
  "mode",
  "description",
  "s3",
  "index_columns",
  "index_max_cardinality",
  "version",
  "timestamp",
  "reload_interval_secs",
];
const S3_KEYS = [
  "region",
  "endpoint",
  "addressing_style",
  "allow_http",
  "access_key_id",
  "secret_access_key",
  "session_token",
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

function checkKeys(
  obj: Record<string, unknown>,
  allowed: string[],
  path: string,
) {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      const near = closest(k, allowed);
      throw new ConfigError(
        path ? `${path}.${k}` : k,
        `unknown key${near ? ` (did you mean "${near}"?)` : ""}`,
      );
    }
  }
}

function obj(v: unknown, key: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new ConfigError(key, "must be an object");
  }
  return v as Record<string, unknown>;
}

function str(v: unknown, key: string): string {
  if (typeof v !== "string") throw new ConfigError(key, "must be a string");
  return v;
}

function bool(v: unknown, key: string): boolean {
  if (typeof v !== "boolean") {
    throw new ConfigError(key, "must be true or false");
  }
  return v;
}

function int(
  v: unknown,
  key: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(key, `must be an integer between ${min} and ${max}`);
  }
  return v;
}

function oneOf<T extends string>(
  v: unknown,
  allowed: readonly T[],
  key: string,
): T {
  if (typeof v !== "string" || !allowed.includes(v as T)) {
    throw new ConfigError(key, `must be one of ${allowed.join(", ")}`);
  }
  return v as T;
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

/** A dataset name usable in a URL path segment. */
export function validateName(v: string, key: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(v)) {
    throw new ConfigError(
      key,
      "must be 1-128 letters, digits, '_', '-' or '.'",
    );
  }
  return v;
}

function parseDataset(raw: unknown, i: number): DatasetConfig {
  const path = `datasets[${i}]`;
  const o = obj(raw, path);
  checkKeys(o, DATASET_KEYS, path);
  if (o.name === undefined) {
    throw new ConfigError(`${path}.name`, "is required");
  }
  if (o.source === undefined) {
    throw new ConfigError(`${path}.source`, "is required");
  }
  const ds: DatasetConfig = {
    name: validateName(str(o.name, `${path}.name`), `${path}.name`),
    source: str(o.source, `${path}.source`),
    mode: o.mode === undefined
      ? "auto"
      : oneOf(o.mode, ["auto", "none", "list"] as const, `${path}.mode`),
    description: o.description === undefined
      ? ""
      : str(o.description, `${path}.description`),
    index_columns: [],
    index_max_cardinality: o.index_max_cardinality === undefined
      ? 100_000
      : int(o.index_max_cardinality, `${path}.index_max_cardinality`, 1),
  };
  if (ds.source === "") {
    throw new ConfigError(`${path}.source`, "must not be empty");
  }
  if (o.format !== undefined) {
    ds.format = oneOf(
      o.format,
      ["parquet", "delta", "csv", "ndjson"] as const,
      `${path}.format`,
    );
  }
  if (o.index_columns !== undefined) {
    if (!Array.isArray(o.index_columns)) {
      throw new ConfigError(
        `${path}.index_columns`,
        "must be an array of column names",
      );
    }
    ds.index_columns = o.index_columns.map((c, j) =>
      str(c, `${path}.index_columns[${j}]`)
    );
  }
  if (ds.mode === "list" && ds.index_columns.length === 0) {
    throw new ConfigError(
      `${path}.index_columns`,
      'is required (non-empty) when mode is "list"',
    );
  }
  if (o.s3 !== undefined) {
    const s3 = obj(o.s3, `${path}.s3`);
    checkKeys(s3, S3_KEYS, `${path}.s3`);
    for (const k of S3_KEYS) {
      if (s3[k] === undefined) continue;
      if (k === "allow_http") bool(s3[k], `${path}.s3.${k}`);
      else if (k === "addressing_style") {
        oneOf(s3[k], ["path", "virtual"] as const, `${path}.s3.${k}`);
      } else str(s3[k], `${path}.s3.${k}`);
    }
    ds.s3 = s3 as S3Config;
  }
  if (o.version !== undefined && o.timestamp !== undefined) {
    throw new ConfigError(
      `${path}.timestamp`,
      "cannot be combined with version",
    );
  }
  if (o.version !== undefined) {
    ds.version = int(o.version, `${path}.version`, 0);
  }
  if (o.timestamp !== undefined) {
    ds.timestamp = str(o.timestamp, `${path}.timestamp`);
    if (Number.isNaN(Date.parse(ds.timestamp))) {
      throw new ConfigError(
        `${path}.timestamp`,
        "must be an ISO-8601 timestamp",
      );
    }
  }
  if (o.reload_interval_secs !== undefined) {
    ds.reload_interval_secs = int(
      o.reload_interval_secs,
      `${path}.reload_interval_secs`,
      1,
    );
  }
  return ds;
}

/** Validates a parsed config file on top of `base` (the defaults). */
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

export function checkDatasetNames(datasets: DatasetConfig[]): void {
  const seen = new Set<string>();
  datasets.forEach((d, i) => {
    if (seen.has(d.name)) {
      throw new ConfigError(
        `datasets[${i}].name`,
        `duplicate dataset name "${d.name}"`,
      );
    }
    seen.add(d.name);
  });
}

/** A dataset config from a CLI SOURCE: `path`, `name=path` or `name=s3://bucket/prefix/`. */
export function datasetFromArg(arg: string, i: number): DatasetConfig {
  const eq = arg.indexOf("=");
  const hasName = eq > 0 && !arg.slice(0, eq).includes("/");
  const source = hasName ? arg.slice(eq + 1) : arg;
  const stem = source.replace(/\/+$/, "").split("/").pop()!
    .replace(/\.(parquet|csv|tsv|ndjson|jsonl)(\.gz)?$/i, "")
    .replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^[.-]+/, "") ||
    `dataset${i + 1}`;
  const name = hasName ? arg.slice(0, eq) : stem;
  return {
    name: validateName(name, `SOURCE[${i}]`),
    source,
    mode: "auto",
    description: "",
    index_columns: [],
    index_max_cardinality: 100_000,
  };
}
