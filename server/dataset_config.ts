/**
 * One dataset's config (`datasets[]` in the config file, or a CLI SOURCE):
 * its keys, their checks, and the name a SOURCE argument gets.
 */
import { ConfigError } from "../auth/mod.ts";
import type { S3Config } from "../sources/s3/config.ts";
import { bool, checkKeys, int, obj, oneOf, str } from "./config_values.ts";

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
  /**
   * DuckDB engine: a native table built in the background ("table") or a
   * view over the files ("view"); unset = a table when the data fits
   * memory_limit_bytes, else the view.
   */
  storage?: "table" | "view";
}

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
  "storage",
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

export function parseDataset(raw: unknown, i: number): DatasetConfig {
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
  if (o.storage !== undefined) {
    ds.storage = oneOf(
      o.storage,
      ["table", "view"] as const,
      `${path}.storage`,
    );
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
