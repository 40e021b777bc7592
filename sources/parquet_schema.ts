/**
 * A parquet footer's schema → our Schema, following API.md: only annotated
 * BYTE_ARRAYs are strings, INT96 is a zone-less ns timestamp, timestamps
 * keep their unit and UTC flag; INTERVAL and VARIANT are refused.
 */
import type { SchemaElement } from "hyparquet";
import type { DataType, Field, Schema, TimeUnit } from "../data/types.ts";

const UNITS: Record<string, TimeUnit> = {
  MILLIS: "ms",
  MICROS: "us",
  NANOS: "ns",
};

interface Node {
  element: SchemaElement;
  children: Node[];
}

function tree(elements: SchemaElement[]): Node {
  let i = 0;
  const build = (): Node => {
    const element = elements[i++]!;
    const children: Node[] = [];
    for (let c = 0; c < (element.num_children ?? 0); c++) {
      children.push(build());
    }
    return { element, children };
  };
  return build();
}

/** A column whose parquet type no answer type can carry. */
export class UnsupportedColumn extends Error {
  constructor(readonly column: string, readonly parquetType: string) {
    super(
      `column "${column}" is a parquet ${parquetType}, which is not served`,
    );
    this.name = "UnsupportedColumn";
  }
}

/** The type of the values of one primitive (leaf) schema element. */
export function leafType(e: SchemaElement): DataType {
  const lt = e.logical_type;
  const ct = e.converted_type;
  // DuckDB reads it as an INTERVAL, which casts to none of our types.
  if (ct === "INTERVAL") throw new UnsupportedColumn(e.name, "INTERVAL");
  if (lt?.type === "DECIMAL") {
    return { kind: "decimal", precision: lt.precision, scale: lt.scale };
  }
  if (ct === "DECIMAL") {
    return {
      kind: "decimal",
      precision: e.precision ?? 38,
      scale: e.scale ?? 0,
    };
  }
  if (lt?.type === "TIMESTAMP") {
    return {
      kind: "timestamp",
      unit: UNITS[lt.unit]!,
      utc: lt.isAdjustedToUTC,
    };
  }
  if (ct === "TIMESTAMP_MILLIS") {
    return { kind: "timestamp", unit: "ms", utc: true };
  }
  if (ct === "TIMESTAMP_MICROS") {
    return { kind: "timestamp", unit: "us", utc: true };
  }
  if (lt?.type === "TIME") return { kind: "time", unit: UNITS[lt.unit]! };
  if (ct === "TIME_MILLIS") return { kind: "time", unit: "ms" };
  if (ct === "TIME_MICROS") return { kind: "time", unit: "us" };
  if (lt?.type === "DATE" || ct === "DATE") return { kind: "date" };
  if (lt?.type === "INTEGER") {
    return {
      kind: "int",
      bits: lt.bitWidth as 8 | 16 | 32 | 64,
      signed: lt.isSigned,
    };
  }
  const intCt = /^(U?)INT_(8|16|32|64)$/.exec(ct ?? "");
  if (intCt) {
    return {
      kind: "int",
      bits: Number(intCt[2]) as 8 | 16 | 32 | 64,
      signed: intCt[1] === "",
    };
  }
  if (lt?.type === "FLOAT16") return { kind: "float", bits: 32 };
  switch (e.type) {
    case "BOOLEAN":
      return { kind: "bool" };
    case "INT32":
      return { kind: "int", bits: 32, signed: true };
    case "INT64":
      return { kind: "int", bits: 64, signed: true };
    case "INT96":
      return { kind: "timestamp", unit: "ns", utc: false };
    case "FLOAT":
      return { kind: "float", bits: 32 };
    case "DOUBLE":
      return { kind: "float", bits: 64 };
    default: {
      const text = lt?.type === "STRING" || lt?.type === "JSON" ||
        lt?.type === "ENUM" ||
        ct === "UTF8" || ct === "JSON" || ct === "ENUM";
      return text ? { kind: "string" } : { kind: "binary" };
    }
  }
}

function nodeType(n: Node): DataType {
  const e = n.element;
  if (n.children.length === 0) {
    const t = leafType(e);
    return e.repetition_type === "REPEATED" ? { kind: "list", item: t } : t;
  }
  const annotation = e.logical_type?.type ?? e.converted_type;
  // DuckDB reads it as a VARIANT, which casts to none of our types.
  if (annotation === "VARIANT") throw new UnsupportedColumn(e.name, "VARIANT");
  if (annotation === "LIST" && n.children.length === 1) {
    const rep = n.children[0]!;
    // 3-level list: repeated group with one child is the element wrapper;
    // legacy 2-level lists repeat the element itself.
    const item = rep.children.length === 1 && rep.element.name !== "array" &&
        !rep.element.name.endsWith("_tuple")
      ? nodeType(rep.children[0]!)
      : structOrLeaf(rep);
    return { kind: "list", item };
  }
  if (
    (annotation === "MAP" || annotation === "MAP_KEY_VALUE") &&
    n.children.length === 1
  ) {
    const kv = n.children[0]!;
    if (kv.children.length === 2) {
      return {
        kind: "map",
        key: nodeType(kv.children[0]!),
        value: nodeType(kv.children[1]!),
      };
    }
  }
  const struct: DataType = { kind: "struct", fields: n.children.map(field) };
  return e.repetition_type === "REPEATED"
    ? { kind: "list", item: struct }
    : struct;
}

function structOrLeaf(n: Node): DataType {
  if (n.children.length === 0) return leafType(n.element);
  return { kind: "struct", fields: n.children.map(field) };
}

function field(n: Node): Field {
  return {
    name: n.element.name,
    type: nodeType(n),
    // A top-level REPEATED field is a list that is empty, never null.
    nullable: n.element.repetition_type === "OPTIONAL",
  };
}

/**
 * The top-level columns of a parquet file's schema elements (the flattened
 * `schema` list of the footer, root first).
 */
export function parquetToSchema(elements: SchemaElement[]): Schema {
  return { fields: tree(elements).children.map(field) };
}
