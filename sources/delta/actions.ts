/**
 * The log actions a reader needs, normalised from either source: JSON commit
 * lines (numbers) or checkpoint parquet rows (bigints, nulls for absent
 * fields). Everything else in an action is ignored.
 */
import type { DeletionVectorDescriptor } from "./deletion_vector.ts";
import { DeltaFormatError } from "./failure.ts";

export interface AddAction {
  /** As written in the log: URL-encoded relative path or absolute URI. */
  path: string;
  size: number;
  partitionValues: Record<string, string | null>;
  deletionVector: DeletionVectorDescriptor | null;
}

export interface RemoveAction {
  path: string;
  deletionVector: DeletionVectorDescriptor | null;
}

export interface MetadataAction {
  id: string;
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
}

export interface ProtocolAction {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures: string[] | null;
}

export interface SidecarAction {
  path: string;
}

/** One log line or checkpoint row, reduced to the actions replay uses. */
export interface LogAction {
  add?: AddAction;
  remove?: RemoveAction;
  metaData?: MetadataAction;
  protocol?: ProtocolAction;
  sidecar?: SidecarAction;
  /** In-commit timestamp if present, else commitInfo.timestamp (ms since epoch). */
  commitTimestamp?: number;
}

type Raw = Record<string, unknown>;

/** The action held by one parsed JSON line or checkpoint row. */
export function normalizeAction(raw: Raw): LogAction {
  const action: LogAction = {};
  const add = record(raw.add);
  if (add) {
    action.add = {
      path: text(add.path, "add.path"),
      size: num(add.size, "add.size"),
      partitionValues: partitionValues(add.partitionValues),
      deletionVector: deletionVector(add.deletionVector),
    };
  }
  const remove = record(raw.remove);
  if (remove) {
    action.remove = {
      path: text(remove.path, "remove.path"),
      deletionVector: deletionVector(remove.deletionVector),
    };
  }
  const metaData = record(raw.metaData);
  if (metaData) {
    action.metaData = {
      id: text(metaData.id ?? "", "metaData.id"),
      schemaString: text(metaData.schemaString, "metaData.schemaString"),
      partitionColumns: stringList(metaData.partitionColumns) ?? [],
      configuration: stringMap(metaData.configuration),
    };
  }
  const protocol = record(raw.protocol);
  if (protocol) {
    action.protocol = {
      minReaderVersion: num(
        protocol.minReaderVersion,
        "protocol.minReaderVersion",
      ),
      minWriterVersion: num(
        protocol.minWriterVersion ?? 0,
        "protocol.minWriterVersion",
      ),
      readerFeatures: stringList(protocol.readerFeatures),
    };
  }
  const sidecar = record(raw.sidecar);
  if (sidecar) action.sidecar = { path: text(sidecar.path, "sidecar.path") };
  const commitInfo = record(raw.commitInfo);
  if (commitInfo) {
    const ts = commitInfo.inCommitTimestamp ?? commitInfo.timestamp;
    if (ts !== undefined && ts !== null) {
      action.commitTimestamp = num(ts, "commitInfo.timestamp");
    }
  }
  return action;
}

/** The actions of a newline-delimited JSON commit or checkpoint file. */
export function parseJsonActions(bytes: Uint8Array): LogAction[] {
  const actions: LogAction[] = [];
  const lines = new TextDecoder().decode(bytes).split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new DeltaFormatError(`line ${i + 1} is not JSON`);
    }
    const obj = record(raw);
    if (!obj) throw new DeltaFormatError(`line ${i + 1} is not a JSON object`);
    actions.push(normalizeAction(obj));
  }
  return actions;
}

function record(value: unknown): Raw | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Raw
    : null;
}

function text(value: unknown, what: string): string {
  if (typeof value !== "string") {
    throw new DeltaFormatError(`${what} is not a string`);
  }
  return value;
}

function num(value: unknown, what: string): number {
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  throw new DeltaFormatError(`${what} is not a number`);
}

function stringList(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  return value.filter((v): v is string => typeof v === "string");
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of mapEntries(value)) if (typeof v === "string") out[k] = v;
  return out;
}

function partitionValues(value: unknown): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [k, v] of mapEntries(value)) {
    out[k] = typeof v === "string" ? v : null;
  }
  return out;
}

/** Entries of a JSON object, or of a parquet MAP however the reader shaped it. */
function mapEntries(value: unknown): [string, unknown][] {
  if (value instanceof Map) {
    return [...value.entries()].map(([k, v]) => [String(k), v]);
  }
  if (Array.isArray(value)) {
    return value.flatMap((e) => {
      const entry = record(e);
      return entry && typeof entry.key === "string"
        ? [[entry.key, entry.value]]
        : [];
    });
  }
  const obj = record(value);
  return obj ? Object.entries(obj) : [];
}

function deletionVector(value: unknown): DeletionVectorDescriptor | null {
  const dv = record(value);
  if (!dv || dv.storageType === null || dv.storageType === undefined) {
    return null;
  }
  const offset = dv.offset;
  return {
    storageType: text(dv.storageType, "deletionVector.storageType"),
    pathOrInlineDv: text(dv.pathOrInlineDv, "deletionVector.pathOrInlineDv"),
    offset: offset === null || offset === undefined
      ? null
      : num(offset, "deletionVector.offset"),
    sizeInBytes: num(dv.sizeInBytes, "deletionVector.sizeInBytes"),
    cardinality: num(dv.cardinality, "deletionVector.cardinality"),
  };
}
