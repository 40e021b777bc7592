/** Which tables this reader can read correctly, from their protocol action. */
import type { ProtocolAction } from "./actions.ts";
import { DeltaFormatError } from "./failure.ts";

/**
 * Reader features whose data this reader handles. typeWidening only changes
 * a column to a wider type, which parquet readers already upcast on read.
 */
export const SUPPORTED_READER_FEATURES: ReadonlySet<string> = new Set([
  "deletionVectors",
  "columnMapping",
  "timestampNtz",
  "v2Checkpoint",
  "vacuumProtocolCheck",
  "typeWidening",
  "typeWidening-preview",
]);

/** Throws a DeltaFormatError naming what is unsupported; returns when readable. */
export function checkProtocol(protocol: ProtocolAction): void {
  const { minReaderVersion, readerFeatures } = protocol;
  if (minReaderVersion > 3) {
    throw new DeltaFormatError(
      `reader version ${minReaderVersion} is not supported (at most 3)`,
    );
  }
  if (minReaderVersion < 3) return;
  const unsupported = (readerFeatures ?? []).filter((f) =>
    !SUPPORTED_READER_FEATURES.has(f)
  );
  if (unsupported.length > 0) {
    const list = unsupported.map((f) => `"${f}"`).join(", ");
    throw new DeltaFormatError(
      `unsupported reader feature${unsupported.length > 1 ? "s" : ""} ${list}`,
    );
  }
}
