/**
 * Where a table's data columns live in one data file, at every nesting
 * level: matched by parquet field id (column mapping `id`), by physical
 * name (`name`) or by name (no mapping). A column or nested field the file
 * lacks (added after the file was written, or dropped and added again
 * under mapping) reads as nulls; one stored under another name (renamed
 * under mapping) is repacked under its logical name; a value stored as a
 * narrower type must widen to the table's (type_widening.ts).
 */
import type { SchemaTree } from "hyparquet";
import { typeName } from "../../data/type_name.ts";
import { leafType } from "../parquet_schema.ts";
import type { NestedLayout } from "../types.ts";
import {
  type ColumnMappingMode,
  fieldId,
  physicalName,
} from "./column_mapping.ts";
import { DeltaFormatError } from "./failure.ts";
import { type DeltaField, type DeltaType, toDataType } from "./schema.ts";
import { readableAs } from "./type_widening.ts";

/** How one file stores a table's data columns. */
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
 * file. In `id` mode a field without a matching id falls back to its
 * physical name, as files written before ids were assigned need.
 */
export function fileColumns(
  fields: DeltaField[],
  root: SchemaTree,
  mode: ColumnMappingMode,
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
  mode: ColumnMappingMode,
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
 * undefined when every struct field below is stored under its logical
 * name. Checks that each primitive value widens to the table's type.
 */
function nestedLayout(
  type: DeltaType,
  node: SchemaTree,
  mode: ColumnMappingMode,
  at: string,
): NestedLayout | undefined {
  if (typeof type === "string") {
    checkStored(type, node, at);
    return undefined;
  }
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

/** Refuses a primitive stored as a group, or as a type it cannot be read as. */
function checkStored(type: string, node: SchemaTree, at: string): void {
  if (node.children.length > 0) throw notNested(at, `a ${type}`);
  const table = toDataType(type);
  const stored = leafType(node.element);
  if (!readableAs(stored, table)) {
    throw new DeltaFormatError(
      `column "${at}" holds ${
        typeName(stored)
      } values, which cannot be read as the table's ${type}`,
    );
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
