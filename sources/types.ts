/**
 * A source resolved to what an engine needs to read it: local files, the
 * unified schema, per-file partition values and row filters. Engines never
 * parse paths, read Delta logs or talk to S3; `sources/` does, and hands them
 * this value.
 */
import type { Field, Scalar, Schema } from "../data/types.ts";

export interface SourceFile {
  /** Absolute local path of a parquet file (S3 objects are cached locally first). */
  path: string;
  size: number;
  /** Values of the partition columns for every row of this file; null = null partition. */
  partitionValues: Record<string, Scalar | null>;
  /**
   * Rows of this file that must be skipped (Delta deletion vectors), as
   * sorted 0-based row positions within the file; absent = none.
   */
  deletedRows?: Float64Array;
  /**
   * Logical column name → physical column name inside this parquet file
   * (Delta column mapping); absent = names are the same.
   */
  physicalNames?: Record<string, string>;
  /**
   * Logical column name → where its nested struct fields live in this file,
   * for the columns whose nested fields are renamed or absent here (Delta
   * column mapping renames them too); absent = nested names are the logical
   * ones.
   */
  nestedLayouts?: Record<string, NestedLayout>;
  /**
   * Columns of the unified schema this file does not hold; engines read them
   * as nulls for its rows. Absent = the file holds every column.
   */
  missingColumns?: string[];
  /**
   * Columns whose min/max statistics in this file are known to be wrong
   * (sources/statistics.ts names the writers' bugs); engines must not skip
   * rows or row groups by them. Absent = every statistic can be trusted.
   */
  unreliableStats?: string[];
}

/**
 * The physical side of a nested column in one parquet file, mirroring the
 * column's logical type (struct, list or map) down to the renamed fields.
 */
export type NestedLayout =
  | {
    kind: "struct";
    /** One entry per field of the logical struct type, in its order. */
    fields: {
      /** The field's name inside the file; null = the file lacks it (nulls). */
      physical: string | null;
      /** Absent = the field holds no renamed nested fields. */
      layout?: NestedLayout;
    }[];
  }
  | { kind: "list"; item: NestedLayout }
  /** An absent side holds no renamed nested fields. */
  | { kind: "map"; key?: NestedLayout; value?: NestedLayout };

export interface ResolvedSource {
  /** csv and ndjson sources are read from their parquet conversion (text.ts). */
  format: "parquet" | "delta" | "csv" | "ndjson";
  files: SourceFile[];
  /**
   * Every column, in the order the source declares them (API.md "Column
   * order"), which is the answer order.
   */
  schema: Schema;
  /** The subset of `schema` whose values come from `partitionValues`. */
  partitionColumns: Field[];
  /** Changes whenever the data may have changed (file list, sizes, mtimes, Delta version). */
  fingerprint: string;
  /** Delta table version read; null for plain parquet. */
  sourceVersion: number | null;
}

/** One object (file) in a store. */
export interface ObjectInfo {
  /** Absolute path for the local store, key within the bucket for S3. */
  path: string;
  size: number;
  /** Changes when the object changes: mtime for local files, ETag for S3. */
  version: string;
}

/**
 * Where a source's bytes live. `sources/local.ts` and `sources/s3/` implement
 * it so the parquet, hive and Delta resolvers are written once.
 */
export interface ObjectStore {
  /** Every object under `prefix`, recursively, sorted by path. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** The object at `path`, or null when it does not exist. */
  stat(path: string): Promise<ObjectInfo | null>;
  read(path: string): Promise<Uint8Array>;
  /** A local file holding the object's bytes (S3 objects are downloaded to a cache first). */
  localPath(path: string): Promise<string>;
}
