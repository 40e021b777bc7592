/** The table schema: Delta's `schemaString` JSON turned into datapress types. */
import type { DataType, Field } from "../../data/types.ts";
import { DeltaFormatError } from "./failure.ts";

/** A top-level or nested field as the Delta schema JSON writes it. */
export interface DeltaField {
  name: string;
  type: DeltaType;
  nullable: boolean;
  metadata: Record<string, unknown>;
}

export type DeltaType =
  | string
  | { type: "struct"; fields: DeltaField[] }
  | { type: "array"; elementType: DeltaType; containsNull: boolean }
  | {
    type: "map";
    keyType: DeltaType;
    valueType: DeltaType;
    valueContainsNull: boolean;
  };

/** The top-level fields of `schemaString`. */
export function parseDeltaSchema(schemaString: string): DeltaField[] {
  let raw: unknown;
  try {
    raw = JSON.parse(schemaString);
  } catch {
    throw new DeltaFormatError("the table schema is not JSON");
  }
  const struct = raw as { type?: unknown; fields?: unknown };
  if (struct?.type !== "struct" || !Array.isArray(struct.fields)) {
    throw new DeltaFormatError("the table schema is not a struct");
  }
  return struct.fields as DeltaField[];
}

const PRIMITIVES: Record<string, DataType> = {
  string: { kind: "string" },
  long: { kind: "int", bits: 64, signed: true },
  integer: { kind: "int", bits: 32, signed: true },
  short: { kind: "int", bits: 16, signed: true },
  byte: { kind: "int", bits: 8, signed: true },
  float: { kind: "float", bits: 32 },
  double: { kind: "float", bits: 64 },
  boolean: { kind: "bool" },
  binary: { kind: "binary" },
  date: { kind: "date" },
  timestamp: { kind: "timestamp", unit: "us", utc: true },
  timestamp_ntz: { kind: "timestamp", unit: "us", utc: false },
};

/** The datapress type of a Delta type. */
export function toDataType(type: DeltaType): DataType {
  if (typeof type === "string") {
    const primitive = PRIMITIVES[type];
    if (primitive) return primitive;
    const decimal = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/.exec(type);
    if (decimal) {
      return {
        kind: "decimal",
        precision: Number(decimal[1]),
        scale: Number(decimal[2]),
      };
    }
    if (type === "decimal") return { kind: "decimal", precision: 10, scale: 0 };
    throw new DeltaFormatError(`column type "${type}" is not supported`);
  }
  switch (type?.type) {
    case "struct":
      return { kind: "struct", fields: type.fields.map(toField) };
    case "array":
      return { kind: "list", item: toDataType(type.elementType) };
    case "map":
      return {
        kind: "map",
        key: toDataType(type.keyType),
        value: toDataType(type.valueType),
      };
    default:
      throw new DeltaFormatError(
        `a column type in the table schema is not understood`,
      );
  }
}

/** The datapress field of a Delta field, under its logical name. */
export function toField(field: DeltaField): Field {
  if (typeof field?.name !== "string") {
    throw new DeltaFormatError("a field of the table schema has no name");
  }
  return {
    name: field.name,
    type: toDataType(field.type),
    nullable: field.nullable !== false,
  };
}
