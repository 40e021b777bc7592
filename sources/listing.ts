/**
 * Which objects a parquet source string names: one file, every `*.parquet`
 * under a directory (hidden and `_`-prefixed entries skipped, as Spark and
 * DuckDB write `_SUCCESS`, `.crc` and `_temporary/`), or a glob's matches.
 * Listing only: nothing is read, so polling can call it cheaply.
 */
import { sourceError } from "./errors.ts";
import { globMatcher, globRoot, isGlob } from "./glob.ts";
import type { ObjectInfo, ObjectStore } from "./types.ts";

export interface Listing {
  /** Objects sorted by path. */
  objects: ObjectInfo[];
  /** Each object's path relative to the source root (for hive segments and messages). */
  relative: string[];
}

/** What messages call the source: its name and a display form without absolute paths. */
export interface SourceLabel {
  dataset: string;
  display: string;
}

/** `dir/` for listing a directory's contents; `""` stays the bucket root. */
export function dirPrefix(dir: string): string {
  return dir === "" || dir.endsWith("/") ? dir : `${dir}/`;
}

/** Which files of a directory a source holds, and how messages call them. */
export interface FileKind {
  /** Whether a path (relative to the directory) is one of the source's files. */
  matches(relative: string): boolean;
  /** e.g. ".parquet files" */
  plural: string;
}

const PARQUET: FileKind = {
  matches: (rel) => rel.endsWith(".parquet"),
  plural: ".parquet files",
};

/** Lists the parquet objects `root` names in `store`; throws SourceError when there are none. */
export function listParquet(
  store: ObjectStore,
  root: string,
  label: SourceLabel,
): Promise<Listing> {
  return listFiles(store, root, label, PARQUET);
}

/**
 * Lists the objects `root` names in `store`: the file itself, a glob's
 * matches, or a directory's files of `kind`; throws SourceError when there
 * are none.
 */
export async function listFiles(
  store: ObjectStore,
  root: string,
  label: SourceLabel,
  kind: FileKind,
): Promise<Listing> {
  if (isGlob(root)) {
    const base = globRoot(root);
    const match = globMatcher(root);
    const all = await listOrEmpty(store, dirPrefix(base));
    const objects = all.filter((o) =>
      match(o.path) && !isHidden(relativeTo(base, o.path))
    );
    if (objects.length === 0) {
      throw sourceError(label.dataset, `no files match ${label.display}`);
    }
    return { objects, relative: objects.map((o) => relativeTo(base, o.path)) };
  }
  if (root !== "" && !root.endsWith("/")) {
    const single = await store.stat(root);
    if (single) {
      const name = root.slice(root.lastIndexOf("/") + 1);
      return { objects: [single], relative: [name] };
    }
  }
  const base = root.replace(/(.)\/+$/, "$1");
  const all = await listOrEmpty(store, dirPrefix(base));
  if (all.length === 0) {
    throw sourceError(
      label.dataset,
      `${label.display} does not exist or is empty`,
    );
  }
  const objects = all.filter((o) => {
    const rel = relativeTo(base, o.path);
    return kind.matches(rel) && !isHidden(rel);
  });
  if (objects.length === 0) {
    throw sourceError(label.dataset, `no ${kind.plural} in ${label.display}`);
  }
  return { objects, relative: objects.map((o) => relativeTo(base, o.path)) };
}

function relativeTo(base: string, path: string): string {
  const prefix = dirPrefix(base);
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

function isHidden(relative: string): boolean {
  return relative.split("/").some((s) =>
    s.startsWith(".") || s.startsWith("_")
  );
}

/** A missing directory lists as empty, so "not found" is reported once, with the source's name. */
async function listOrEmpty(
  store: ObjectStore,
  prefix: string,
): Promise<ObjectInfo[]> {
  try {
    return await store.list(prefix);
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound ||
      e instanceof Deno.errors.NotADirectory
    ) return [];
    throw e;
  }
}
