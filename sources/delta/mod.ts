/**
 * Delta Lake tables as a ResolvedSource: replays the log (checkpoints of
 * every kind, then commits), checks the protocol, and hands engines local
 * parquet files with typed partition values, deleted row positions and
 * where each column lives in each file (added, renamed, widened).
 *
 * @example
 * ```ts
 * const source = await resolveDelta(store, "/data/sales", { name: "sales" });
 * console.log(source.sourceVersion, source.files.length);
 * ```
 */
import type { ObjectStore, ResolvedSource } from "../types.ts";
import { parseJsonActions } from "./actions.ts";
import { readCheckpoint } from "./checkpoint.ts";
import { columnMappingMode } from "./column_mapping.ts";
import { sourceFile } from "./data_file.ts";
import { deletionVectorReader } from "./deletion_vector.ts";
import { deltaError, DeltaFormatError } from "./failure.ts";
import {
  listLog,
  type LogListing,
  type LogSegment,
  parseCheckpointHint,
  segmentsFor,
} from "./log.ts";
import { checkProtocol } from "./protocol.ts";
import { applyActions, emptyState, type TableState } from "./replay.ts";
import { parseDeltaSchema, toField } from "./schema.ts";
import { parseTimestampOption, versionAtTime } from "./time_travel.ts";
import { checkTypeChanges } from "./type_widening.ts";

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
  checkTypeChanges(deltaFields);
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
  // Columns in the schema's order, partition columns where it puts them.
  const schema = { fields: deltaFields.map(toField) };

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
