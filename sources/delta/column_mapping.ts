/**
 * Delta column mapping: data files name columns by a physical name (mode
 * `name`) or are matched by parquet field id (mode `id`), while the table
 * exposes logical names; file_columns.ts does the matching.
 */
import type { MetadataAction, ProtocolAction } from "./actions.ts";
import type { DeltaField } from "./schema.ts";
import { DeltaFormatError } from "./failure.ts";

export type ColumnMappingMode = "none" | "name" | "id";

const PHYSICAL_NAME = "delta.columnMapping.physicalName";
const FIELD_ID = "delta.columnMapping.id";

/** The table's column mapping mode. */
export function columnMappingMode(
  metadata: MetadataAction,
  protocol: ProtocolAction,
): ColumnMappingMode {
  const mode = metadata.configuration["delta.columnMapping.mode"] ?? "none";
  if (mode !== "none" && mode !== "name" && mode !== "id") {
    throw new DeltaFormatError(
      `column mapping mode "${mode}" is not supported`,
    );
  }
  // Mapping only applies when the protocol allows it (reader 2, or the feature).
  const enabled = protocol.minReaderVersion === 2 ||
    (protocol.readerFeatures ?? []).includes("columnMapping");
  return enabled ? mode : "none";
}

/** The name of `field` in data files and in `partitionValues`. */
export function physicalName(
  field: DeltaField,
  mode: ColumnMappingMode,
): string {
  if (mode === "none") return field.name;
  const name = field.metadata?.[PHYSICAL_NAME];
  if (typeof name !== "string") {
    throw new DeltaFormatError(`column "${field.name}" has no physical name`);
  }
  return name;
}

/** The parquet field id of `field` in id mode, or null. */
export function fieldId(field: DeltaField): number | null {
  const id = field.metadata?.[FIELD_ID];
  return typeof id === "number" ? id : null;
}
