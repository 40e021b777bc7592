/** API.md's type names for our DataType. */
import type { DataType } from "./types.ts";

/**
 * The name clients see, e.g. `int64`, `decimal(10,2)`, `timestamp[us,UTC]`,
 * `list<string>`, `struct<a: int64, b: string>`, `map<string,int32>`.
 */
export function typeName(t: DataType): string {
  switch (t.kind) {
    case "int":
      return `${t.signed ? "" : "u"}int${t.bits}`;
    case "float":
      return `float${t.bits}`;
    case "decimal":
      return `decimal(${t.precision},${t.scale})`;
    case "timestamp":
      return `timestamp[${t.unit}${t.utc ? ",UTC" : ""}]`;
    case "list":
      return `list<${typeName(t.item)}>`;
    case "struct":
      return `struct<${
        t.fields.map((f) => `${f.name}: ${typeName(f.type)}`).join(", ")
      }>`;
    case "map":
      return `map<${typeName(t.key)},${typeName(t.value)}>`;
    default:
      return t.kind;
  }
}
