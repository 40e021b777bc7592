/**
 * Time travel by timestamp: the latest version committed at or before a
 * moment, by in-commit timestamp, else commitInfo.timestamp, else the commit
 * file's modification time.
 */
import type { ObjectInfo, ObjectStore } from "../types.ts";
import { parseJsonActions } from "./actions.ts";
import type { LogListing } from "./log.ts";
import { DeltaFormatError } from "./failure.ts";

/** Milliseconds since the epoch of an ISO-8601 timestamp (UTC when zone-less). */
export function parseTimestampOption(text: string): number {
  let iso = text.trim().replace(" ", "T");
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += "T00:00:00Z";
  else if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) iso += "Z";
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) {
    throw new DeltaFormatError(
      `timestamp "${text}" is not an ISO-8601 timestamp`,
    );
  }
  return ms;
}

/** The commit time (ms) of one commit file. */
export async function commitTime(
  store: ObjectStore,
  commit: ObjectInfo,
): Promise<number> {
  const actions = parseJsonActions(await store.read(commit.path));
  for (const action of actions) {
    if (action.commitTimestamp !== undefined) return action.commitTimestamp;
  }
  const mtime = Number(commit.version);
  if (Number.isFinite(mtime)) return mtime;
  throw new DeltaFormatError("a commit has no timestamp");
}

/**
 * The latest version whose commit time is ≤ `ms`. Commit times rise with
 * versions, so a binary search reads O(log n) commit files.
 */
export async function versionAtTime(
  store: ObjectStore,
  listing: LogListing,
  ms: number,
): Promise<number> {
  const versions = [...listing.commits.keys()].sort((a, b) => a - b);
  if (versions.length === 0) {
    throw new DeltaFormatError("the log holds no commits");
  }
  let lo = 0;
  let hi = versions.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const version = versions[mid]!;
    if (await commitTime(store, listing.commits.get(version)!) <= ms) {
      found = version;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (found < 0) {
    throw new DeltaFormatError(
      `timestamp ${
        new Date(ms).toISOString()
      } is before the earliest available version ${versions[0]}`,
    );
  }
  return found;
}
