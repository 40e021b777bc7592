/**
 * Log replay: folding checkpoint and commit actions, oldest first, into the
 * table state of one version. Files are keyed by (path, deletion vector id)
 * so a file whose deletion vector changed is replaced, not duplicated.
 */
import type {
  AddAction,
  LogAction,
  MetadataAction,
  ProtocolAction,
} from "./actions.ts";
import { deletionVectorId } from "./deletion_vector.ts";

export interface TableState {
  protocol: ProtocolAction | null;
  metadata: MetadataAction | null;
  /** Live files by replay key. */
  files: Map<string, AddAction>;
}

export function emptyState(): TableState {
  return { protocol: null, metadata: null, files: new Map() };
}

/** Applies one commit's (or checkpoint's) actions to `state`, in place. */
export function applyActions(state: TableState, actions: LogAction[]): void {
  // Removes first: within one commit a file is removed with its old DV and
  // re-added with a new one, and the order of lines carries no meaning.
  for (const action of actions) {
    if (action.remove) {
      state.files.delete(
        fileKey(action.remove.path, action.remove.deletionVector),
      );
    }
  }
  for (const action of actions) {
    if (action.add) {
      state.files.set(
        fileKey(action.add.path, action.add.deletionVector),
        action.add,
      );
    }
    if (action.metaData) state.metadata = action.metaData;
    if (action.protocol) state.protocol = action.protocol;
  }
}

function fileKey(path: string, dv: AddAction["deletionVector"]): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A path with a stray `%` is compared as written.
  }
  return dv === null ? decoded : `${decoded}\u0000${deletionVectorId(dv)}`;
}
