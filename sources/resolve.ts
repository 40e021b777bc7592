/**
 * The one entry point of `sources/`: a dataset's source string → the files,
 * unified schema and partition values an engine reads. Picks the store
 * (local or S3), detects Delta tables, otherwise reads plain parquet.
 */
import { resolve as resolvePath } from "node:path";
import { resolveDelta } from "./delta/mod.ts";
import { sourceError } from "./errors.ts";
import { isGlob } from "./glob.ts";
import { dirPrefix, type SourceLabel } from "./listing.ts";
import { LocalStore } from "./local.ts";
import { resolveParquet } from "./parquet.ts";
import type { S3Config } from "./s3/config.ts";
import {
  resolveText,
  type TextFormat,
  textFormatOf,
  type TextToParquet,
} from "./text.ts";
import type { ObjectStore, ResolvedSource } from "./types.ts";

export type { S3Config, TextToParquet };

export interface SourceSpec {
  name: string;
  /** A local file, directory or glob, or `s3://bucket/key-or-prefix`. */
  source: string;
  /**
   * Default: Delta when the source is a directory holding `_delta_log/`,
   * csv or ndjson when it ends in their extensions, else parquet.
   */
  format?: "parquet" | "delta" | TextFormat;
  s3?: S3Config;
  /** Delta time travel: this table version. */
  version?: number;
  /** Delta time travel: the latest version at or before this ISO-8601 time. */
  timestamp?: string;
}

export interface ResolveOptions {
  /** Where S3 objects are cached as local files. */
  cacheDir?: string;
  /** Reads csv and ndjson sources (text.ts); they are refused without it. */
  textToParquet?: TextToParquet;
}

/** Where a source lives: its store, the root key/path in it, and how messages name it. */
export interface Location {
  store: ObjectStore;
  root: string;
  local: boolean;
  label: SourceLabel;
}

/**
 * Resolves a dataset's source. Throws SourceError with a client-safe
 * message when it does not exist, matches no files or is not readable.
 *
 * @example
 * ```ts
 * const src = await resolveSource({ name: "sales", source: "data/sales/" });
 * src.files.length; // every parquet file, partition values included
 * ```
 */
export async function resolveSource(
  spec: SourceSpec,
  opts: ResolveOptions = {},
): Promise<ResolvedSource> {
  const loc = await locate(spec, opts);
  const timeTravel = spec.version !== undefined ||
    spec.timestamp !== undefined;
  const text = textFormat(spec, loc);
  if (text) {
    if (timeTravel) {
      throw sourceError(
        spec.name,
        `version and timestamp apply to Delta tables only, and this source is ${text}`,
      );
    }
    return await resolveText(
      loc.store,
      loc.root,
      loc.label,
      text,
      opts.textToParquet,
    );
  }
  if (spec.format === "delta" || await isDeltaTable(loc)) {
    if (spec.format === "parquet") {
      throw sourceError(
        spec.name,
        `${loc.label.display} is a Delta table (it holds _delta_log/); set format "delta" or leave format out`,
      );
    }
    return await resolveDelta(loc.store, loc.root.replace(/(.)\/+$/, "$1"), {
      name: spec.name,
      version: spec.version,
      timestamp: spec.timestamp,
    });
  }
  if (timeTravel) {
    throw sourceError(
      spec.name,
      "version and timestamp apply to Delta tables only, and this source is plain parquet",
    );
  }
  return await resolveParquet(loc.store, loc.root, loc.label);
}

/** A text source's format: the config's, else the file's (or glob's) extension. */
export function textFormat(spec: SourceSpec, loc: Location): TextFormat | null {
  if (spec.format === "csv" || spec.format === "ndjson") return spec.format;
  return spec.format === undefined ? textFormatOf(loc.root) : null;
}

/** The store and root of a source string; S3 code is loaded only for `s3://` sources. */
export async function locate(
  spec: SourceSpec,
  opts: ResolveOptions = {},
): Promise<Location> {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(spec.source);
  if (s3) {
    const { createS3Store } = await import("./s3/store.ts");
    const cacheDir = opts.cacheDir ??
      `${Deno.env.get("HOME") ?? "."}/.cache/datapress/s3`;
    return {
      store: createS3Store(s3[1]!, spec.s3 ?? {}, cacheDir),
      root: s3[2]!,
      local: false,
      label: { dataset: spec.name, display: spec.source },
    };
  }
  if (spec.source.startsWith("s3:")) {
    throw sourceError(
      spec.name,
      "an S3 source must look like s3://bucket/prefix",
    );
  }
  const root = resolvePath(spec.source) +
    (spec.source.endsWith("/") && spec.source.length > 1 ? "/" : "");
  return {
    store: new LocalStore(),
    root,
    local: true,
    label: { dataset: spec.name, display: displayLocal(spec.source) },
  };
}

/**
 * A local source as messages may show it: relative sources as written,
 * absolute ones by their last segment only (no file-system layout leaks).
 */
function displayLocal(source: string): string {
  if (!source.startsWith("/")) return source;
  const last = source.replace(/\/+$/, "").split("/").pop();
  return last ? `…/${last}` : "the root directory";
}

/** Whether `loc` is a directory holding `_delta_log/` (globs never are). */
export async function isDeltaTable(loc: Location): Promise<boolean> {
  if (isGlob(loc.root)) return false;
  const log = `${dirPrefix(loc.root.replace(/(.)\/+$/, "$1"))}_delta_log`;
  if (loc.local) {
    const s = await Deno.stat(log).catch(() => null);
    return s?.isDirectory ?? false;
  }
  // The source itself first: an object holds no _delta_log/, and a refusal
  // (a wrong secret) then names what the user asked for, not the probe.
  if (loc.root !== "") {
    const self = await loc.store.stat(loc.root);
    if (self && !loc.root.endsWith("/")) return false;
  }
  return (await loc.store.list(`${log}/`)).length > 0;
}
