/**
 * The spine of datapress: the schema types every stage shares, the request
 * as parsed from JSON, and the validated plan that engines execute.
 *
 * parse (JSON → QueryRequest) → validate (QueryRequest + Schema → QueryPlan)
 * → engine (QueryPlan → ResultBatch) → encode.
 */

/** Logical column types, named as API.md's type names. */
export type DataType =
  | { kind: "bool" }
  | { kind: "int"; bits: 8 | 16 | 32 | 64; signed: boolean }
  | { kind: "float"; bits: 32 | 64 }
  | { kind: "decimal"; precision: number; scale: number }
  | { kind: "string" }
  | { kind: "binary" }
  | { kind: "date" }
  | { kind: "timestamp"; unit: TimeUnit; utc: boolean }
  | { kind: "time"; unit: TimeUnit }
  | { kind: "list"; item: DataType }
  | { kind: "struct"; fields: Field[] }
  | { kind: "map"; key: DataType; value: DataType };

export type TimeUnit = "s" | "ms" | "us" | "ns";

export interface Field {
  name: string;
  type: DataType;
  nullable: boolean;
}

export interface Schema {
  fields: Field[];
}

export const OPS = [
  "eq",
  "neq",
  "gt",
  "gte",
  "lt",
  "lte",
  "like",
  "ilike",
  "in",
  "is_null",
  "is_not_null",
] as const;
export type Op = typeof OPS[number];

export const AGG_OPS = ["count", "sum", "avg", "min", "max"] as const;
export type AggOp = typeof AGG_OPS[number];

export type SortDir = "asc" | "desc";

/** A predicate as the client sent it; `val` is still raw JSON. */
export interface RequestPredicate {
  col: string;
  op: Op;
  val?: unknown;
}

export interface RequestOrderBy {
  col: string;
  dir: SortDir;
}

export interface RequestAggregation {
  col?: string;
  op: AggOp;
  alias?: string;
}

/** The query body after parsing: shapes checked, defaults filled, schema not consulted yet. */
export interface QueryRequest {
  columns: string[];
  predicates: RequestPredicate[];
  order_by: RequestOrderBy[];
  group_by: string[];
  aggregations: RequestAggregation[];
  distinct: boolean;
  limit: number | null;
  page: number;
  page_size: number;
}

export interface CountRequest {
  predicates: RequestPredicate[];
}

/** An exact decimal: value = unscaled × 10^-scale. */
export interface Decimal {
  unscaled: bigint;
  scale: number;
}

/**
 * A predicate value converted to the column's type:
 * bool → boolean; int8..int32/uint8..uint32 → number; int64/uint64 → bigint;
 * float → number (NaN and ±Infinity allowed); decimal → Decimal;
 * string → string; binary → Uint8Array; date → days since epoch (number);
 * timestamp → bigint in the column's unit since epoch (wall clock as UTC for
 * zone-less columns); time → bigint in the column's unit since midnight.
 */
export type Scalar = boolean | number | bigint | string | Uint8Array | Decimal;

export type PlanPredicate =
  | { col: string; type: DataType; op: "is_null" | "is_not_null" }
  | {
    col: string;
    type: DataType;
    op: "eq" | "neq" | "gt" | "gte" | "lt" | "lte";
    value: Scalar;
  }
  | { col: string; type: DataType; op: "like" | "ilike"; pattern: string }
  | { col: string; type: DataType; op: "in"; values: Scalar[] };

export interface PlanAggregation {
  op: AggOp;
  /** null for `count` of rows. */
  col: string | null;
  alias: string;
  /** The output type: count → int64, sum(int) → int64, avg → float64. */
  type: DataType;
}

/** Sort key by output name (a source column for rows, a group column or alias when grouped). */
export interface PlanOrder {
  col: string;
  dir: SortDir;
}

/**
 * A validated query, ready for any engine. All names exist, all values are
 * typed, the page window is resolved. Engines return at most `take` rows
 * starting at `offset` in the defined order.
 */
export interface QueryPlan {
  /** rows: plain projection; distinct: unique projected rows; group: group_by + aggregations. */
  kind: "rows" | "distinct" | "group";
  /** Projected source columns (rows, distinct) or the group columns (group). */
  columns: string[];
  filters: PlanPredicate[];
  aggregations: PlanAggregation[];
  /**
   * The full sort order. For rows, ties keep source order (engines break ties
   * by row position). For distinct and group the validator has appended every
   * output key, so the order is total.
   */
  orderBy: PlanOrder[];
  offset: number;
  /** Rows to fetch: the page plus one extra row to learn `has_more`, capped by `limit`. */
  take: number;
  page: number;
  pageSize: number;
  /** Output columns in answer order. */
  output: Field[];
}

/**
 * One column of a result. Values layout by type (see `ColumnValues`):
 * bool → Uint8Array 0/1; int8..32/uint8..32 → matching typed array;
 * int64 → BigInt64Array; uint64 → BigUint64Array; float32 → Float32Array;
 * float64 → Float64Array; date → Int32Array days; timestamp/time → BigInt64Array
 * in the type's unit; decimal → bigint[] unscaled; string → string[];
 * binary → Uint8Array[]; list/struct/map → NestedValue[].
 * `valid[i] === 0` marks a null; `valid === null` means no nulls.
 * Entries at null positions are unspecified.
 */
export interface ColumnVector {
  field: Field;
  values: ColumnValues;
  valid: Uint8Array | null;
}

export type ColumnValues =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array
  | bigint[]
  | string[]
  | Uint8Array[]
  | NestedValue[];

/**
 * A nested value in canonical JS form: lists are arrays, structs plain
 * objects, maps arrays of {key, value}; leaves use the scalar layout of their
 * type (bigint for 64-bit ints, number of days for dates, bigint in unit for
 * timestamps, bigint unscaled for decimals, Uint8Array for binary).
 */
export type NestedValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | NestedValue[]
  | { [key: string]: NestedValue };

/** A columnar page of results. */
export interface ResultBatch {
  length: number;
  columns: ColumnVector[];
}
