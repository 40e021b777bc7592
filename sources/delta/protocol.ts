/**
 * Which tables this reader can read correctly, from their protocol action.
 * The reader features are the ones delta-kernel-rs knows
 * (`kernel/src/table_features/mod.rs`); each is either handled here or
 * refused with the reason a user sees.
 */
import type { ProtocolAction } from "./actions.ts";
import { DeltaFormatError } from "./failure.ts";

/** Reader features whose data this reader handles. */
export const SUPPORTED_READER_FEATURES: ReadonlySet<string> = new Set([
  "columnMapping",
  "deletionVectors",
  "timestampNtz",
  // Not a protocol name, but tables carry it; delta-kernel-rs reads it as
  // timestampNtz.
  "timestampWithoutTimezone",
  "typeWidening",
  "typeWidening-preview",
  "v2Checkpoint",
  // Only constrains VACUUM; readers need nothing.
  "vacuumProtocolCheck",
]);

const VARIANT = "variant columns are not supported";
const CATALOG =
  "its commits are ratified by a catalog, which this reader does not ask, so the log on storage may lack the latest ones";

/** Reader features refused, with the reason shown to the user. */
export const REFUSED_READER_FEATURES: Readonly<Record<string, string>> = {
  catalogManaged: CATALOG,
  "catalogOwned-preview": CATALOG,
  variantType: VARIANT,
  "variantType-preview": VARIANT,
  variantShredding: VARIANT,
  "variantShredding-preview": VARIANT,
  geospatial: "geometry and geography columns are not supported",
  "adaptiveMetadata-preview":
    "its data files are listed in Iceberg adaptive metadata, which this reader does not read",
};

/** Throws a DeltaFormatError naming what is unsupported; returns when readable. */
export function checkProtocol(protocol: ProtocolAction): void {
  const { minReaderVersion, readerFeatures } = protocol;
  if (minReaderVersion > 3) {
    throw new DeltaFormatError(
      `reader version ${minReaderVersion} is not supported (at most 3)`,
    );
  }
  if (minReaderVersion < 3) return;
  const refused = (readerFeatures ?? []).filter((f) =>
    !SUPPORTED_READER_FEATURES.has(f)
  ).map((f) =>
    `unsupported reader feature "${f}": ${
      Object.hasOwn(REFUSED_READER_FEATURES, f)
        ? REFUSED_READER_FEATURES[f]
        : "unknown to this reader"
    }`
  );
  if (refused.length > 0) throw new DeltaFormatError(refused.join("; "));
}
