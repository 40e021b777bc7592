/**
 * Reading checkpoints: classic and multi-part parquet, and v2 checkpoints
 * (parquet or JSON) whose file actions may live in `_delta_log/_sidecars/`.
 */
import { parquetMetadata, parquetReadObjects, parquetSchema } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import type { ObjectStore } from "../types.ts";
import {
  type LogAction,
  normalizeAction,
  parseJsonActions,
} from "./actions.ts";
import type { CheckpointCandidate } from "./log.ts";
import { DeltaFormatError } from "./failure.ts";
import { joinPath, resolveLogPath } from "./paths.ts";

/**
 * Checkpoint columns replay needs. `remove` rows in a checkpoint are only
 * tombstones of files absent from its `add` rows, so they are not read.
 */
const COLUMNS = ["add", "metaData", "protocol", "sidecar"];

/** Every action of checkpoint `cp`, sidecar contents included. */
export async function readCheckpoint(
  store: ObjectStore,
  logDir: string,
  cp: CheckpointCandidate,
): Promise<LogAction[]> {
  const actions: LogAction[] = [];
  for (const file of cp.files) {
    const bytes = await store.read(file.path);
    const own = file.path.endsWith(".json")
      ? parseJsonActions(bytes)
      : await parquetActions(bytes);
    for (const action of own) {
      actions.push(action);
      if (action.sidecar) {
        const key = resolveLogPath(
          joinPath(logDir, "_sidecars"),
          action.sidecar.path,
        );
        if (key === null) {
          throw new DeltaFormatError(
            `sidecar ${action.sidecar.path} is not addressable`,
          );
        }
        const sidecar = await store.read(key).catch(() => {
          throw new DeltaFormatError(
            `sidecar ${action.sidecar!.path} cannot be read`,
          );
        });
        actions.push(...await parquetActions(sidecar));
      }
    }
  }
  return actions;
}

/** The actions in a checkpoint or sidecar parquet file. */
export async function parquetActions(bytes: Uint8Array): Promise<LogAction[]> {
  const file = bytes.buffer.slice(
    bytes.byteOffset,
    bytes.byteOffset + bytes.byteLength,
  ) as ArrayBuffer;
  let present: string[];
  try {
    const metadata = parquetMetadata(file);
    const names = new Set(
      parquetSchema(metadata).children.map((c) => c.element.name),
    );
    present = COLUMNS.filter((c) => names.has(c));
  } catch {
    throw new DeltaFormatError("a checkpoint file is not valid parquet");
  }
  if (present.length === 0) return [];
  const rows = await parquetReadObjects({
    file,
    columns: present,
    compressors,
    utf8: true,
  });
  return rows.map((row) => normalizeAction(row as Record<string, unknown>));
}
