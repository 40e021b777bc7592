/**
 * Delta Lake tables as a ResolvedSource: replays the log (checkpoints of
 * every kind, then commits), checks the protocol, and hands engines local
 * parquet files with typed partition values, deleted row positions and
 * physical column names.
 *
 * @example
 * ```ts
 * const source = await resolveDelta(store, "/data/sales", { name: "sales" });
 * console.log(source.sourceVersion, source.files.length);
 * ```
 */
import type { Field } from "../../data/types.ts";
import type { ObjectStore, ResolvedSource, SourceFile } from "../types.ts";
import { type AddAction, parseJsonActions } from "./actions.ts";
import { readCheckpoint } from "./checkpoint.ts";
import {
  type ColumnMappingMode,
  columnMappingMode,
  type FileColumns,
  fileColumns,
  parquetFooterSchema,
  physicalName,
} from "./column_mapping.ts";
import { deletionVectorReader } from "./deletion_vector.ts";
import { deltaError, DeltaFormatError } from "./failure.ts";
import {
  listLog,
  type LogListing,
  type LogSegment,
  parseCheckpointHint,
  segmentsFor,
} from "./log.ts";
import { parsePartitionValue } from "./partition.ts";
import { displayPath, resolveLogPath } from "./paths.ts";
import { checkProtocol } from "./protocol.ts";
import { applyActions, emptyState, type TableState } from "./replay.ts";
import { type DeltaField, parseDeltaSchema, toField } from "./schema.ts";
import { parseTimestampOption, versionAtTime } from "./time_travel.ts";

export interface DeltaOptions {
  /** Dataset name, used in error messages. */
  name: string;
  /** Read exactly this version. */
  version?: number;
  /** Read the latest version committed at or before this ISO-8601 time. */
  timestamp?: string;
}

/** Parallel reads (commit files, DV files, S3 downloads) per table. */
const CONCURRENCY = 8;

/** The files, schema and version of the Delta table at `root` in `store`. */
export async function resolveDelta(
  store: ObjectStore,
  root: string,
  opts: DeltaOptions,
): Promise<ResolvedSource> {
  try {
    return await resolve(store, root, opts);
  } catch (err) {
    if (err instanceof DeltaFormatError || err instanceof RangeError) {
      throw deltaError(opts.name, err.message);
    }
    throw err;
  }
}

async function resolve(
  store: ObjectStore,
  root: string,
  opts: DeltaOptions,
): Promise<ResolvedSource> {
  const listing = await listLog(store, root);
  if (listing.latest < 0) {
    throw new DeltaFormatError("_delta_log/ holds no commits");
  }
  const version = await targetVersion(store, listing, opts);
  const hint = parseCheckpointHint(
    await readIfPresent(store, `${listing.logDir}_last_checkpoint`),
  );
  const segments = segmentsFor(listing, version, hint);
  if (segments.length === 0) {
    throw new DeltaFormatError(
      `version ${version} cannot be rebuilt: log files are missing`,
    );
  }
  const { state, segment } = await replayFirstReadable(
    store,
    listing,
    segments,
  );
  if (!state.protocol) {
    throw new DeltaFormatError(`version ${version} has no protocol action`);
  }
  if (!state.metadata) {
    throw new DeltaFormatError(`version ${version} has no metaData action`);
  }
  checkProtocol(state.protocol);

  const deltaFields = parseDeltaSchema(state.metadata.schemaString);
  const mode = columnMappingMode(state.metadata, state.protocol);
  const partitionNames = new Set(state.metadata.partitionColumns);
  const dataFields = deltaFields.filter((f) => !partitionNames.has(f.name));
  const partitionFields = state.metadata.partitionColumns.map((col) => {
    const field = deltaFields.find((f) => f.name === col);
    if (!field) {
      throw new DeltaFormatError(
        `partition column "${col}" is not in the schema`,
      );
    }
    return field;
  });
  const partitionColumns = partitionFields.map(toField);
  const schema = { fields: [...dataFields.map(toField), ...partitionColumns] };

  const adds = [...state.files.values()].sort((
    a,
    b,
  ) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const readDv = deletionVectorReader(store, root, opts.name);
  const files = await mapLimit(
    adds,
    CONCURRENCY,
    (add) =>
      sourceFile(store, root, add, {
        partitionFields,
        partitionColumns,
        dataFields,
        mode,
        readDv,
      }),
  );

  const last = segment.commits.at(-1) ?? segment.checkpoint!.files.at(-1)!;
  return {
    format: "delta",
    files,
    schema,
    partitionColumns,
    fingerprint: `delta:${state.metadata.id}:v${version}:${last.version}`,
    sourceVersion: version,
  };
}

/** The version `opts` asks for, checked against the log. */
async function targetVersion(
  store: ObjectStore,
  listing: LogListing,
  opts: DeltaOptions,
): Promise<number> {
  if (opts.version !== undefined && opts.timestamp !== undefined) {
    throw new DeltaFormatError("give a version or a timestamp, not both");
  }
  if (opts.version !== undefined) {
    if (!Number.isSafeInteger(opts.version) || opts.version < 0) {
      throw new DeltaFormatError(
        `version ${opts.version} is not a version number`,
      );
    }
    if (opts.version > listing.latest) {
      throw new DeltaFormatError(
        `version ${opts.version} does not exist (latest is ${listing.latest})`,
      );
    }
    return opts.version;
  }
  if (opts.timestamp !== undefined) {
    return await versionAtTime(
      store,
      listing,
      parseTimestampOption(opts.timestamp),
    );
  }
  return listing.latest;
}

/**
 * Replays the first segment whose files can all be read: a corrupt or
 * half-written checkpoint falls back to an older one, then to commit 0.
 */
async function replayFirstReadable(
  store: ObjectStore,
  listing: LogListing,
  segments: LogSegment[],
): Promise<{ state: TableState; segment: LogSegment }> {
  let firstError: unknown = null;
  for (const segment of segments) {
    try {
      return { state: await replay(store, listing, segment), segment };
    } catch (err) {
      if (!(err instanceof DeltaFormatError)) throw err;
      firstError ??= err;
    }
  }
  throw firstError;
}

async function replay(
  store: ObjectStore,
  listing: LogListing,
  segment: LogSegment,
): Promise<TableState> {
  const state = emptyState();
  const commits = mapLimit(segment.commits, CONCURRENCY, async (commit) => {
    try {
      return parseJsonActions(await store.read(commit.path));
    } catch (err) {
      const where = `_delta_log/${
        commit.path.slice(commit.path.lastIndexOf("/") + 1)
      }`;
      if (err instanceof DeltaFormatError) {
        throw new DeltaFormatError(`${where}: ${err.message}`);
      }
      throw new DeltaFormatError(`${where} cannot be read`);
    }
  });
  if (segment.checkpoint) {
    // Wait for the commit reads too, so none is left rejecting unobserved.
    const [checkpoint] = await Promise.allSettled([
      readCheckpoint(store, listing.logDir, segment.checkpoint),
      commits,
    ]);
    if (checkpoint.status === "rejected") {
      const err = checkpoint.reason;
      throw err instanceof DeltaFormatError
        ? new DeltaFormatError(
          `checkpoint ${segment.checkpoint.version}: ${err.message}`,
        )
        : new DeltaFormatError(
          `checkpoint ${segment.checkpoint.version} cannot be read`,
        );
    }
    applyActions(state, checkpoint.value);
  }
  for (const actions of await commits) applyActions(state, actions);
  return state;
}

interface FileContext {
  partitionFields: DeltaField[];
  partitionColumns: Field[];
  dataFields: DeltaField[];
  mode: ColumnMappingMode;
  readDv: ReturnType<typeof deletionVectorReader>;
}

/** One live data file as engines need it. */
async function sourceFile(
  store: ObjectStore,
  root: string,
  add: AddAction,
  ctx: FileContext,
): Promise<SourceFile> {
  const key = resolveLogPath(root, add.path);
  if (key === null) {
    throw new DeltaFormatError(`data file ${add.path} is not addressable`);
  }
  const shown = displayPath(root, key);
  const path = await store.localPath(key);
  // A log entry whose file is gone fails the load here, naming the file,
  // instead of later inside an engine with a reason clients never see.
  if (!(await Deno.stat(path).then((s) => s.isFile, () => false))) {
    throw new DeltaFormatError(`data file ${shown} does not exist`);
  }
  const partitionValues: SourceFile["partitionValues"] = {};
  ctx.partitionFields.forEach((field, i) => {
    const text = add.partitionValues[physicalName(field, ctx.mode)] ?? null;
    partitionValues[field.name] = parsePartitionValue(
      text,
      ctx.partitionColumns[i]!.type,
    );
  });
  const file: SourceFile = { path, size: add.size, partitionValues };
  if (add.deletionVector) {
    file.deletedRows = await ctx.readDv(add.deletionVector, shown);
  }
  if (ctx.mode !== "none") {
    const columns = await mappedColumns(path, shown, ctx.dataFields, ctx.mode);
    file.physicalNames = columns.physicalNames;
    if (columns.missing.length > 0) file.missingColumns = columns.missing;
    if (Object.keys(columns.nestedLayouts).length > 0) {
      file.nestedLayouts = columns.nestedLayouts;
    }
  }
  return file;
}

/** Where the data columns live in one file of a column-mapped table. */
async function mappedColumns(
  path: string,
  shown: string,
  fields: DeltaField[],
  mode: Exclude<ColumnMappingMode, "none">,
): Promise<FileColumns> {
  try {
    return fileColumns(fields, await parquetFooterSchema(path), mode);
  } catch (err) {
    if (err instanceof DeltaFormatError) {
      throw new DeltaFormatError(`data file ${shown}: ${err.message}`);
    }
    throw new DeltaFormatError(`data file ${shown} is not readable parquet`);
  }
}

async function readIfPresent(
  store: ObjectStore,
  path: string,
): Promise<Uint8Array | null> {
  if ((await store.stat(path)) === null) return null;
  return await store.read(path).catch(() => null);
}

/** `fn` over `items` with at most `limit` calls in flight, results in order. */
async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}
