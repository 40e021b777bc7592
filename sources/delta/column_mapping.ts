/**
 * Delta column mapping: data files name columns by a physical name (mode
 * `name`) or are matched by parquet field id (mode `id`), while the table
 * exposes logical names.
 */
import { parquetMetadata, parquetSchema } from "hyparquet";
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

/**
 * Top-level parquet column names by field id, read from the footer of the
 * local parquet file at `path` (only the footer is read).
 */
export async function parquetNamesById(
  path: string,
): Promise<Map<number, string>> {
  using file = await Deno.open(path, { read: true });
  const size = (await file.stat()).size;
  const tail = new Uint8Array(8);
  await readAt(file, size - 8, tail);
  const footerLength = new DataView(tail.buffer).getUint32(0, true);
  const footer = new Uint8Array(footerLength + 8);
  await readAt(file, size - 8 - footerLength, footer);
  const names = new Map<number, string>();
  for (const child of parquetSchema(parquetMetadata(footer.buffer)).children) {
    const id = child.element.field_id;
    if (typeof id === "number") names.set(id, child.element.name);
  }
  return names;
}

async function readAt(
  file: Deno.FsFile,
  position: number,
  into: Uint8Array,
): Promise<void> {
  if (position < 0) {
    throw new DeltaFormatError("a data file is too short to be parquet");
  }
  await file.seek(position, Deno.SeekMode.Start);
  let read = 0;
  while (read < into.length) {
    const n = await file.read(into.subarray(read));
    if (n === null) throw new DeltaFormatError("a data file ends early");
    read += n;
  }
}
