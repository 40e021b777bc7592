/**
 * The `_delta_log/` directory: which commits and checkpoints exist, and which
 * of them rebuild a given version (a checkpoint at or below it, then every
 * later commit up to it).
 */
import type { ObjectInfo, ObjectStore } from "../types.ts";
import { joinPath } from "./paths.ts";

export interface CheckpointCandidate {
  version: number;
  kind: "classic" | "multipart" | "v2";
  /** Every file of the checkpoint, parts in order. */
  files: ObjectInfo[];
}

export interface LogListing {
  /** Store key of the `_delta_log/` directory, with a trailing slash. */
  logDir: string;
  /** Commit files by version. */
  commits: Map<number, ObjectInfo>;
  /** Complete checkpoints, newest first. */
  checkpoints: CheckpointCandidate[];
  /** The newest version any commit or checkpoint names; -1 when there is none. */
  latest: number;
}

/** A checkpoint plus the commits after it that rebuild one version. */
export interface LogSegment {
  version: number;
  checkpoint: CheckpointCandidate | null;
  /** Commit files after the checkpoint, ascending, ending at `version`. */
  commits: ObjectInfo[];
}

/** What `_last_checkpoint` says, when it is readable. */
export interface CheckpointHint {
  version: number;
  parts: number | null;
}

const COMMIT = /^(\d{20})\.json$/;
const CLASSIC = /^(\d{20})\.checkpoint\.parquet$/;
const MULTIPART = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const V2 = /^(\d{20})\.checkpoint\.[0-9a-fA-F-]{36}\.(json|parquet)$/;

/** Lists the log directory of the table at `root`. */
export async function listLog(
  store: ObjectStore,
  root: string,
): Promise<LogListing> {
  const logDir = joinPath(root, "_delta_log/");
  const objects = await store.list(logDir);
  return classifyLog(logDir, objects);
}

/** Sorts log objects into commits and complete checkpoints (pure; tested alone). */
export function classifyLog(logDir: string, objects: ObjectInfo[]): LogListing {
  const commits = new Map<number, ObjectInfo>();
  const checkpoints: CheckpointCandidate[] = [];
  const multipart = new Map<string, (ObjectInfo | undefined)[]>();
  let latest = -1;
  for (const object of objects) {
    const name = baseName(logDir, object.path);
    if (name === null) continue;
    let m: RegExpExecArray | null;
    if ((m = COMMIT.exec(name))) {
      const version = Number(m[1]);
      commits.set(version, object);
      latest = Math.max(latest, version);
    } else if ((m = CLASSIC.exec(name))) {
      checkpoints.push({
        version: Number(m[1]),
        kind: "classic",
        files: [object],
      });
    } else if ((m = V2.exec(name))) {
      checkpoints.push({ version: Number(m[1]), kind: "v2", files: [object] });
    } else if ((m = MULTIPART.exec(name))) {
      const part = Number(m[2]);
      const parts = Number(m[3]);
      if (part < 1 || part > parts) continue;
      const key = `${m[1]}/${parts}`;
      const slots = multipart.get(key) ?? new Array(parts).fill(undefined);
      slots[part - 1] = object;
      multipart.set(key, slots);
    }
  }
  for (const [key, slots] of multipart) {
    if (slots.some((s) => s === undefined)) continue;
    const version = Number(key.slice(0, key.indexOf("/")));
    checkpoints.push({
      version,
      kind: "multipart",
      files: slots as ObjectInfo[],
    });
  }
  for (const cp of checkpoints) latest = Math.max(latest, cp.version);
  // Newest first; at one version prefer v2, then classic, then multipart.
  const rank = { v2: 0, classic: 1, multipart: 2 };
  checkpoints.sort((a, b) =>
    b.version - a.version || rank[a.kind] - rank[b.kind]
  );
  return { logDir, commits, checkpoints, latest };
}

/**
 * The ways to rebuild `version`, best first: each usable checkpoint at or
 * below it (the hinted one first among equals), then replay from commit 0.
 * Empty when the version cannot be rebuilt from the files present.
 */
export function segmentsFor(
  listing: LogListing,
  version: number,
  hint: CheckpointHint | null,
): LogSegment[] {
  const segments: LogSegment[] = [];
  const candidates = listing.checkpoints.filter((cp) => cp.version <= version);
  if (hint !== null) {
    const hinted = candidates.findIndex((cp) =>
      cp.version === hint.version &&
      (hint.parts === null || cp.files.length === hint.parts)
    );
    if (hinted > 0 && candidates[hinted]!.version === candidates[0]!.version) {
      candidates.unshift(...candidates.splice(hinted, 1));
    }
  }
  for (const cp of candidates) {
    const commits = commitRange(listing, cp.version + 1, version);
    if (commits) segments.push({ version, checkpoint: cp, commits });
  }
  const fromZero = commitRange(listing, 0, version);
  if (fromZero && fromZero.length > 0) {
    segments.push({ version, checkpoint: null, commits: fromZero });
  }
  return segments;
}

/** Commit files `from..to` inclusive, or null when one is missing. */
function commitRange(
  listing: LogListing,
  from: number,
  to: number,
): ObjectInfo[] | null {
  const out: ObjectInfo[] = [];
  for (let v = from; v <= to; v++) {
    const commit = listing.commits.get(v);
    if (!commit) return null;
    out.push(commit);
  }
  return out;
}

/** The name of a direct child of `logDir` (null for `_sidecars/` and deeper). */
function baseName(logDir: string, path: string): string | null {
  if (!path.startsWith(logDir)) {
    const slash = path.lastIndexOf("/");
    return slash >= 0 ? path.slice(slash + 1) : path;
  }
  const rest = path.slice(logDir.length);
  return rest.includes("/") ? null : rest;
}

/** Parses `_last_checkpoint`; null when absent or unreadable (it is only a hint). */
export function parseCheckpointHint(
  bytes: Uint8Array | null,
): CheckpointHint | null {
  if (bytes === null) return null;
  try {
    const raw = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof raw?.version !== "number") return null;
    return {
      version: raw.version,
      parts: typeof raw.parts === "number" ? raw.parts : null,
    };
  } catch {
    return null;
  }
}
