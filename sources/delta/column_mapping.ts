/**
 * Delta column mapping: data files name columns by a physical name (mode
 * `name`) or are matched by parquet field id (mode `id`), while the table
 * exposes logical names.
 */
import { parquetMetadata, parquetSchema, type SchemaTree } from "hyparquet";
import type { NestedLayout } from "../types.ts";
import type { MetadataAction, ProtocolAction } from "./actions.ts";
import type { DeltaField, DeltaType } from "./schema.ts";
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

/** The schema tree in the footer of the local parquet file at `path`. */
export async function parquetFooterSchema(path: string): Promise<SchemaTree> {
  using file = await Deno.open(path, { read: true });
  const size = (await file.stat()).size;
  const tail = new Uint8Array(8);
  await readAt(file, size - 8, tail);
  const footerLength = new DataView(tail.buffer).getUint32(0, true);
  const footer = new Uint8Array(footerLength + 8);
  await readAt(file, size - 8 - footerLength, footer);
  return parquetSchema(parquetMetadata(footer.buffer));
}

/** How one file stores a table's data columns under column mapping. */
export interface FileColumns {
  /** Logical → parquet name of every data column. */
  physicalNames: Record<string, string>;
  /** Data columns the file lacks. */
  missing: string[];
  /** Columns whose nested fields are renamed or absent in the file. */
  nestedLayouts: Record<string, NestedLayout>;
}

/**
 * Matches the table's data `fields` to the parquet schema `root` of one
 * file: by field id in `id` mode (falling back to the physical name, as
 * files written without ids need), by physical name in `name` mode, at
 * every nesting level.
 */
export function fileColumns(
  fields: DeltaField[],
  root: SchemaTree,
  mode: Exclude<ColumnMappingMode, "none">,
): FileColumns {
  const out: FileColumns = {
    physicalNames: {},
    missing: [],
    nestedLayouts: {},
  };
  for (const field of fields) {
    const child = matchChild(root, field, mode);
    out.physicalNames[field.name] = child?.element.name ??
      physicalName(field, mode);
    if (!child) {
      out.missing.push(field.name);
      continue;
    }
    const layout = nestedLayout(field.type, child, mode, field.name);
    if (layout) out.nestedLayouts[field.name] = layout;
  }
  return out;
}

/** The child of parquet group `node` that stores `field`, if any. */
function matchChild(
  node: SchemaTree,
  field: DeltaField,
  mode: Exclude<ColumnMappingMode, "none">,
): SchemaTree | undefined {
  const id = mode === "id" ? fieldId(field) : null;
  const byId = id === null
    ? undefined
    : node.children.find((c) => c.element.field_id === id);
  if (byId) return byId;
  const name = physicalName(field, mode);
  return node.children.find((c) => c.element.name === name);
}

/**
 * The layout of a value of Delta type `type` stored at parquet `node`, or
 * undefined when every struct field below keeps its logical name.
 */
function nestedLayout(
  type: DeltaType,
  node: SchemaTree,
  mode: Exclude<ColumnMappingMode, "none">,
  at: string,
): NestedLayout | undefined {
  if (typeof type === "string") return undefined;
  switch (type.type) {
    case "struct": {
      if (node.children.length === 0) throw notNested(at, "a struct");
      let renamed = false;
      const fields = type.fields.map((field) => {
        const child = matchChild(node, field, mode);
        if (!child) {
          renamed = true;
          return { physical: null };
        }
        const physical = child.element.name;
        const layout = nestedLayout(
          field.type,
          child,
          mode,
          `${at}.${field.name}`,
        );
        if (layout || physical !== field.name) renamed = true;
        return layout ? { physical, layout } : { physical };
      });
      return renamed ? { kind: "struct", fields } : undefined;
    }
    case "array": {
      const item = nestedLayout(
        type.elementType,
        listElement(node, at),
        mode,
        `${at}[]`,
      );
      return item && { kind: "list", item };
    }
    case "map": {
      const [keyNode, valueNode] = mapEntry(node, at);
      const key = nestedLayout(type.keyType, keyNode, mode, `${at}.key`);
      const value = nestedLayout(
        type.valueType,
        valueNode,
        mode,
        `${at}.value`,
      );
      if (!key && !value) return undefined;
      return {
        kind: "map",
        ...(key ? { key } : {}),
        ...(value ? { value } : {}),
      };
    }
    default:
      return undefined;
  }
}

/**
 * The element of a parquet list, under the format's backward-compatibility
 * rules: a repeated group with several fields, or named `array` or
 * `*_tuple`, is itself the element (two-level lists).
 */
function listElement(node: SchemaTree, at: string): SchemaTree {
  const repeated = node.children.length === 1 ? node.children[0]! : undefined;
  if (!repeated) throw notNested(at, "a list");
  const name = repeated.element.name;
  if (
    repeated.children.length !== 1 || name === "array" ||
    name.endsWith("_tuple")
  ) {
    return repeated;
  }
  return repeated.children[0]!;
}

/** The key and value of a parquet map. */
function mapEntry(node: SchemaTree, at: string): [SchemaTree, SchemaTree] {
  const entry = node.children.length === 1 ? node.children[0]! : undefined;
  const [key, value] = entry?.children ?? [];
  if (!key || !value) throw notNested(at, "a map");
  return [key, value];
}

function notNested(at: string, what: string): DeltaFormatError {
  return new DeltaFormatError(`column "${at}" is not stored as ${what}`);
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
