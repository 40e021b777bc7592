/**
 * The one entry point of `sources/`: a dataset's source string → the files,
 * unified schema and partition values an engine reads.
 */
import { parquetMetadata } from "hyparquet";
import type { Field, Schema } from "../query/types.ts";
import { resolveDelta } from "./delta/mod.ts";
import { SourceError } from "./errors.ts";
import { globMatcher, globRoot, isGlob } from "./glob.ts";
import { hiveSegments, typePartitions } from "./hive.ts";
import { LocalStore } from "./local.ts";
import { parquetToSchema } from "./parquet_schema.ts";
import type { S3Config } from "./s3/config.ts";
import type {
  ObjectInfo,
  ObjectStore,
  ResolvedSource,
  SourceFile,
} from "./types.ts";
import { typeName } from "../query/type_name.ts";

export type { S3Config };

export interface SourceSpec {
  name: string;
  source: string;
  format?: "parquet" | "delta";
  s3?: S3Config;
  version?: number;
  timestamp?: string;
}

export interface ResolveOptions {
  /** Where S3 objects are cached as local files. */
  cacheDir?: string;
}

async function storeFor(
  spec: SourceSpec,
  opts: ResolveOptions,
): Promise<{ store: ObjectStore; root: string }> {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(spec.source);
  if (m) {
    const { createS3Store } = await import("./s3/store.ts");
    const cache = opts.cacheDir ??
      `${Deno.env.get("HOME") ?? "."}/.cache/datapress/s3`;
    return { store: createS3Store(m[1]!, spec.s3 ?? {}, cache), root: m[2]! };
  }
  const abs = spec.source.startsWith("/")
    ? spec.source
    : `${Deno.cwd()}/${spec.source}`;
  return { store: new LocalStore(), root: abs.replace(/\/\.\//g, "/") };
}

/** Resolves a dataset's source; throws SourceError with a client-safe message. */
export async function resolveSource(
  spec: SourceSpec,
  opts: ResolveOptions = {},
): Promise<ResolvedSource> {
  const { store, root } = await storeFor(spec, opts);
  const fail = (detail: string) =>
    new SourceError(`cannot read source of dataset "${spec.name}": ${detail}`);
  const isS3 = spec.source.startsWith("s3://");
  const dir = root.replace(/\/+$/, "");
  const deltaLog = await listOrEmpty(
    store,
    isS3 ? `${dir}/_delta_log/` : `${dir}/_delta_log`,
  );
  if (deltaLog.length > 0 || spec.format === "delta") {
    if (spec.format === "parquet") {
      throw fail(
        'it is a Delta table (it has _delta_log/); set format "delta" or leave format out',
      );
    }
    return await resolveDelta(store, dir, {
      name: spec.name,
      version: spec.version,
      timestamp: spec.timestamp,
    });
  }
  let objects: ObjectInfo[];
  let base: string;
  if (isGlob(root)) {
    base = globRoot(root);
    const match = globMatcher(root);
    objects = (await listOrEmpty(store, base)).filter((o) => match(o.path));
  } else {
    const single = isS3 && (root === "" || root.endsWith("/"))
      ? null
      : await store.stat(root).catch(() => null);
    if (single && !isS3 && (await Deno.stat(root)).isFile) {
      objects = [single];
      base = root.slice(0, root.lastIndexOf("/"));
    } else if (single && isS3) {
      objects = [single];
      base = root.slice(0, root.lastIndexOf("/"));
    } else {
      base = dir;
      objects = (await listOrEmpty(store, isS3 && dir !== "" ? `${dir}/` : dir))
        .filter((o) => {
          const rel = o.path.slice(base.length + 1);
          return rel.endsWith(".parquet") &&
            !rel.split("/").some((s) => s.startsWith(".") || s.startsWith("_"));
        });
    }
  }
  if (objects.length === 0) throw fail("no parquet files found");
  const rels = objects.map((o) =>
    base === "" ? o.path : o.path.slice(base.length + 1)
  );
  const partitions = typePartitions(rels.map(hiveSegments));
  const files: SourceFile[] = [];
  const schemas: Schema[] = [];
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i]!;
    const path = await store.localPath(o.path);
    schemas.push(
      await footerSchema(path).catch((e) => {
        throw new SourceError(
          `cannot read source of dataset "${spec.name}": ${
            rels[i]
          } is not a readable parquet file`,
          String(e),
        );
      }),
    );
    files.push({ path, size: o.size, partitionValues: partitions.values[i]! });
  }
  const partNames = new Set(partitions.fields.map((f) => f.name));
  const fileFields = unify(schemas, rels, fail).filter((f) =>
    !partNames.has(f.field.name)
  );
  for (let i = 0; i < files.length; i++) {
    const missing = fileFields.filter((f) => !f.present[i]).map((f) =>
      f.field.name
    );
    if (missing.length > 0) {
      (files[i] as SourceFile & { missingColumns?: string[] }).missingColumns =
        missing;
    }
  }
  const fingerprint = await sha256(
    JSON.stringify(objects.map((o) => [o.path, o.size, o.version])),
  );
  return {
    format: "parquet",
    files,
    schema: {
      fields: [...fileFields.map((f) => f.field), ...partitions.fields],
    },
    partitionColumns: partitions.fields,
    fingerprint,
    sourceVersion: null,
  };
}

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

/** Reads only the footer of a local parquet file. */
async function footerSchema(path: string): Promise<Schema> {
  using file = await Deno.open(path);
  const size = (await file.stat()).size;
  const tail = new Uint8Array(8);
  await file.seek(size - 8, Deno.SeekMode.Start);
  await readFull(file, tail);
  const len = new DataView(tail.buffer).getUint32(0, true);
  if (new TextDecoder().decode(tail.subarray(4)) !== "PAR1" || len + 8 > size) {
    throw new Error("not a parquet file");
  }
  const buf = new Uint8Array(len + 8);
  await file.seek(size - len - 8, Deno.SeekMode.Start);
  await readFull(file, buf);
  return parquetToSchema(parquetMetadata(buf.buffer).schema);
}

async function readFull(file: Deno.FsFile, buf: Uint8Array): Promise<void> {
  let at = 0;
  while (at < buf.length) {
    const n = await file.read(buf.subarray(at));
    if (n === null) throw new Error("unexpected end of file");
    at += n;
  }
}

interface UnifiedField {
  field: Field;
  present: boolean[];
}

/** One schema for every file: added columns become nullable, ints and floats widen, anything else is refused. */
function unify(
  schemas: Schema[],
  names: string[],
  fail: (detail: string) => SourceError,
): UnifiedField[] {
  const out = new Map<string, UnifiedField & { from: number }>();
  schemas.forEach((s, i) => {
    for (const f of s.fields) {
      const cur = out.get(f.name);
      if (!cur) {
        const present = schemas.map(() => false);
        present[i] = true;
        out.set(f.name, {
          field: { ...f, nullable: f.nullable || i > 0 },
          present,
          from: i,
        });
        continue;
      }
      cur.present[i] = true;
      const wide = widen(cur.field.type, f.type);
      if (!wide) {
        throw fail(
          `column "${f.name}" is ${typeName(cur.field.type)} in ${
            names[cur.from]
          } but ${typeName(f.type)} in ${names[i]}`,
        );
      }
      cur.field = {
        name: f.name,
        type: wide,
        nullable: cur.field.nullable || f.nullable,
      };
    }
  });
  for (const f of out.values()) {
    if (f.present.some((p) => !p)) f.field.nullable = true;
  }
  return [...out.values()];
}

function widen(a: Field["type"], b: Field["type"]): Field["type"] | null {
  if (typeName(a) === typeName(b)) return a;
  if (a.kind === "int" && b.kind === "int" && a.signed === b.signed) {
    return a.bits >= b.bits ? a : b;
  }
  if (a.kind === "float" && b.kind === "float") {
    return { kind: "float", bits: 64 };
  }
  return null;
}

async function sha256(text: string): Promise<string> {
  const d = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}
