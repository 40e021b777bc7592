/**
 * The ground floor every other floor shares: column types, schemas, typed
 * scalars and columnar result batches. Nothing here knows about HTTP,
 * requests, SQL or any engine.
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
