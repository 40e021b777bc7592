/**
 * CSV/TSV and NDJSON sources (plain or gzipped). Their types are whatever
 * DuckDB's readers infer, and sources/ never imports an engine, so the
 * caller hands in a converter (`TextToParquet`, DuckDB's, from
 * engines/duckdb) that turns the files into one parquet file. From there
 * the source is plain parquet: both engines read the same typed file, and
 * a query never re-parses text.
 */
import { listFiles, type SourceLabel } from "./listing.ts";
import { sourceError } from "./errors.ts";
import { fingerprintOf } from "./fingerprint.ts";
import { LocalStore } from "./local.ts";
import { resolveParquet } from "./parquet.ts";
import type { ObjectStore, ResolvedSource } from "./types.ts";

export type TextFormat = "csv" | "ndjson";

/** What a converter gets: the local files of one source, in order. */
export interface TextFiles {
  format: TextFormat;
  paths: string[];
  /** Tab-separated (every file ends .tsv or .tsv.gz). */
  tabs: boolean;
  /** Changes whenever a file does: converters key their output on it. */
  fingerprint: string;
}

/** Converts text files to one parquet file and returns its local path. */
export type TextToParquet = (files: TextFiles) => Promise<string>;

const EXTENSIONS: Record<TextFormat, RegExp> = {
  csv: /\.(csv|tsv)(\.gz)?$/i,
  ndjson: /\.(ndjson|jsonl)(\.gz)?$/i,
};
const TSV = /\.tsv(\.gz)?$/i;

/** The text format a file name (or glob) ends in, or null. */
export function textFormatOf(path: string): TextFormat | null {
  if (EXTENSIONS.csv.test(path)) return "csv";
  if (EXTENSIONS.ndjson.test(path)) return "ndjson";
  return null;
}

/** The file kind a directory of `format` files holds. */
export function textKind(format: TextFormat) {
  return {
    matches: (rel: string) => EXTENSIONS[format].test(rel),
    plural: format === "csv" ? ".csv/.tsv files" : ".ndjson/.jsonl files",
  };
}

/**
 * Resolves the text files `root` names: lists them, converts them
 * together (one schema, columns united by name), then reads the result as
 * parquet. The fingerprint is the text files', so polling sees their
 * changes.
 */
export async function resolveText(
  store: ObjectStore,
  root: string,
  label: SourceLabel,
  format: TextFormat,
  convert: TextToParquet | undefined,
): Promise<ResolvedSource> {
  const { objects, relative } = await listFiles(
    store,
    root,
    label,
    textKind(format),
  );
  if (!convert) {
    throw sourceError(
      label.dataset,
      `${format} sources need a converter; none was given`,
    );
  }
  const paths = await Promise.all(objects.map((o) => store.localPath(o.path)));
  const fingerprint = await fingerprintOf(objects);
  let parquet: string;
  try {
    parquet = await convert({
      format,
      paths,
      tabs: relative.every((r) => TSV.test(r)),
      fingerprint,
    });
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    // Reader errors name absolute paths: show each file as the source
    // names it instead.
    let safe = raw;
    paths.forEach((p, i) => safe = safe.replaceAll(p, relative[i]!));
    throw sourceError(
      label.dataset,
      `${label.display} is not readable as ${format}: ${
        safe.split("\n")[0]!.slice(0, 300)
      }`,
      raw,
    );
  }
  const resolved = await resolveParquet(new LocalStore(), parquet, label);
  return { ...resolved, format, fingerprint };
}
