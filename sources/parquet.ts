/**
 * A plain parquet source (file, directory, glob, hive tree) → ResolvedSource:
 * list, read every footer, type the hive partitions, unify the schemas,
 * note the statistics a file's writer is known to get wrong.
 */
import { SourceError, sourceError } from "./errors.ts";
import { fingerprintOf } from "./fingerprint.ts";
import { readFooter } from "./footer.ts";
import { hiveSegments, typePartitions } from "./hive.ts";
import { listParquet, type SourceLabel } from "./listing.ts";
import { parquetToSchema, UnsupportedColumn } from "./parquet_schema.ts";
import { unreliableStatistics } from "./statistics.ts";
import type { ObjectStore, ResolvedSource, SourceFile } from "./types.ts";
import { unifySchemas } from "./unify.ts";

/** Footers read at once: enough to hide S3 latency, few enough for 2 cores. */
const CONCURRENCY = 8;

/**
 * Resolves the parquet files `root` names in `store`. A column that is both
 * in a file and a hive partition takes the partition's value and type (as
 * DuckDB's `hive_partitioning` does); partition columns come last.
 */
export async function resolveParquet(
  store: ObjectStore,
  root: string,
  label: SourceLabel,
): Promise<ResolvedSource> {
  const { objects, relative } = await listParquet(store, root, label);
  const partitions = typePartitions(relative.map(hiveSegments));
  if ("mismatch" in partitions) {
    throw sourceError(
      label.dataset,
      `files have different hive partition keys: ${relative[0]} and ${
        relative[partitions.mismatch]
      }`,
    );
  }
  const paths = await mapLimited(objects, (o) => store.localPath(o.path));
  const partitionNames = new Set(partitions.fields.map((f) => f.name));
  const footers = await mapLimited(paths, async (path, i) => {
    try {
      const meta = await readFooter(path);
      const { fields } = parquetToSchema(meta.schema);
      const unreliable = unreliableStatistics(meta).filter((c) =>
        !partitionNames.has(c)
      );
      return {
        schema: { fields: fields.filter((f) => !partitionNames.has(f.name)) },
        unreliable,
      };
    } catch (e) {
      if (e instanceof SourceError) throw e;
      if (e instanceof UnsupportedColumn) {
        throw sourceError(
          label.dataset,
          `${relative[i]}: ${e.message}`,
        );
      }
      throw sourceError(
        label.dataset,
        `${relative[i]} is not a readable parquet file`,
        `${path}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  });
  const unified = unifySchemas(footers.map((f) => f.schema));
  if ("column" in unified) {
    throw sourceError(
      label.dataset,
      `column "${unified.column}" is ${unified.firstType} in ${
        relative[unified.first]
      } but ${unified.secondType} in ${relative[unified.second]}`,
    );
  }
  const files = objects.map((o, i): SourceFile => {
    const file: SourceFile = {
      path: paths[i]!,
      size: o.size,
      partitionValues: partitions.values[i]!,
    };
    const missing = unified.missing[i]!;
    if (missing.length > 0) file.missingColumns = missing;
    const unreliable = footers[i]!.unreliable;
    if (unreliable.length > 0) file.unreliableStats = unreliable;
    return file;
  });
  return {
    format: "parquet",
    files,
    schema: { fields: [...unified.fields, ...partitions.fields] },
    partitionColumns: partitions.fields,
    fingerprint: await fingerprintOf(objects),
    sourceVersion: null,
  };
}

/** `fn` over `items` with at most CONCURRENCY calls in flight, results in order. */
async function mapLimited<T, R>(
  items: T[],
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker),
  );
  return out;
}
