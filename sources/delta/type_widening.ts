/**
 * Type widening: a column's type may have grown since older data files were
 * written (PROTOCOL.md "Type Widening"); their values are read as the
 * table's type, which must hold every one of them exactly.
 */
import type { DataType } from "../../data/types.ts";
import { typeName } from "../../data/type_name.ts";
import { DeltaFormatError } from "./failure.ts";
import { type DeltaField, type DeltaType, toDataType } from "./schema.ts";

/** Decimal digits the largest value of a signed integer type needs. */
const INT_DIGITS = { 8: 3, 16: 5, 32: 10, 64: 19 } as const;

/**
 * Whether every value of type `from` converts exactly to type `to`: the
 * widenings the protocol allows (byte → short → int → long, float → double,
 * byte/short/int → double, date → timestamp_ntz, decimals and integers to
 * decimals with no fewer integer digits and no smaller scale), or no change.
 */
export function widens(from: DataType, to: DataType): boolean {
  if (typeName(from) === typeName(to)) return true;
  switch (from.kind) {
    case "int":
      if (to.kind === "int") return from.signed && from.bits <= to.bits;
      if (to.kind === "float") return to.bits === 64 && from.bits <= 32;
      return to.kind === "decimal" && from.signed &&
        to.precision - to.scale >= INT_DIGITS[from.bits];
    case "float":
      return to.kind === "float" && from.bits <= to.bits;
    case "date":
      return to.kind === "timestamp" && !to.utc;
    case "decimal":
      return to.kind === "decimal" && to.scale >= from.scale &&
        to.precision - to.scale >= from.precision - from.scale;
    default:
      return false;
  }
}

/**
 * Whether a data file's values of type `stored` may be read as the table's
 * type `table`. Beyond the widenings: narrower integers and decimals of
 * fewer digits (a value that does not fit fails the query loudly rather
 * than changing), any timestamp encoding (INT96, millis, nanos) and strings
 * stored as unannotated binary. Refused: anything that would round
 * silently (a smaller scale, double to float) or is another kind of value.
 */
export function readableAs(stored: DataType, table: DataType): boolean {
  if (widens(stored, table)) return true;
  switch (stored.kind) {
    case "int":
      return table.kind === "int" || table.kind === "decimal";
    case "decimal":
      return table.kind === "decimal" && table.scale >= stored.scale;
    case "timestamp":
      return table.kind === "timestamp";
    case "binary":
    case "string":
      return table.kind === "string" || table.kind === "binary";
    default:
      return false;
  }
}

/**
 * Checks every type change the schema records (`delta.typeChanges`, on any
 * field at any depth): the protocol asks readers to refuse a table whose
 * recorded changes they cannot replay.
 */
export function checkTypeChanges(fields: DeltaField[], at = ""): void {
  for (const field of fields) {
    const path = `${at}${field.name}`;
    const changes = field.metadata?.["delta.typeChanges"];
    if (changes !== undefined && !Array.isArray(changes)) {
      throw new DeltaFormatError(
        `column "${path}": delta.typeChanges is not a list`,
      );
    }
    for (const change of (changes ?? []) as Record<string, unknown>[]) {
      const from = primitive(change?.fromType, path);
      const to = primitive(change?.toType, path);
      if (!widens(from, to)) {
        throw new DeltaFormatError(
          `column "${path}" changed type from ${change.fromType} to ${change.toType}, which is not a type widening this reader supports`,
        );
      }
    }
    nestedFields(field.type).forEach((inner) =>
      checkTypeChanges(inner, `${path}.`)
    );
  }
}

function primitive(type: unknown, path: string): DataType {
  if (typeof type !== "string") {
    throw new DeltaFormatError(
      `column "${path}": a delta.typeChanges entry has no fromType or toType`,
    );
  }
  return toDataType(type);
}

/** The struct fields found inside `type` (itself, array elements, map keys and values). */
function nestedFields(type: DeltaType): DeltaField[][] {
  if (typeof type === "string") return [];
  switch (type.type) {
    case "struct":
      return [type.fields];
    case "array":
      return nestedFields(type.elementType);
    case "map":
      return [...nestedFields(type.keyType), ...nestedFields(type.valueType)];
    default:
      return [];
  }
}
