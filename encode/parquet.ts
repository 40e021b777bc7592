/**
 * ResultBatches → one Parquet file, written as it streams: batches collect
 * into row groups of about ROW_GROUP_ROWS rows, each handed out as bytes as
 * soon as it is encoded, and the footer comes last. Every engine's export
 * goes through here, so both engines give the same file. Types keep their
 * exact value: 64-bit integers and decimals as integers (never through a
 * double), timestamps in their unit (seconds as milliseconds: Parquet has
 * no second unit), UTC-adjusted or not as the column says.
 */
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { SchemaElement } from "hyparquet";
import type {
  ColumnVector,
  DataType,
  Field,
  NestedValue,
  ResultBatch,
} from "../data/types.ts";

/** Rows per row group: big enough for readers, small enough to stream. */
export const ROW_GROUP_ROWS = 65_536;

/** A streaming Parquet writer for rows of `fields`. */
export interface ParquetEncoder {
  /** The bytes ready after adding `batch` (often none: a row group is filling). */
  push(batch: ResultBatch): Uint8Array | null;
  /** The last row group and the footer. */
  finish(): Uint8Array;
}

/** Largest decimal precision that fits an INT64 unscaled value. */
const INT64_DIGITS = 18;

const UNIT = { ms: "MILLIS", us: "MICROS", ns: "NANOS" } as const;

// Integer widths as converted types: the writer's INTEGER logical type
// does not serialise in a form DuckDB reads.
const SIGNED = {
  8: "INT_8",
  16: "INT_16",
  32: "INT_32",
  64: "INT_64",
} as const;
const UNSIGNED = {
  8: "UINT_8",
  16: "UINT_16",
  32: "UINT_32",
  64: "UINT_64",
} as const;

/** Bytes needed for a two's-complement unscaled value of `precision` digits. */
function decimalBytes(precision: number): number {
  return Math.ceil((precision * Math.log2(10) + 1) / 8);
}

/**
 * The Parquet schema elements of `name: type` (depth-first, as the footer
 * lists them). Decimal leaves are also added to `decimals`: see `finish`.
 */
function elements(
  name: string,
  type: DataType,
  repetition: "OPTIONAL" | "REQUIRED",
  decimals: SchemaElement[],
): SchemaElement[] {
  const nested = (n: string, t: DataType, r: "OPTIONAL" | "REQUIRED") =>
    elements(n, t, r, decimals);
  const el = (e: Omit<SchemaElement, "name" | "repetition_type">) => [{
    name,
    repetition_type: repetition,
    ...e,
  } as SchemaElement];
  switch (type.kind) {
    case "bool":
      return el({ type: "BOOLEAN" });
    case "int":
      return el({
        type: type.bits === 64 ? "INT64" : "INT32",
        converted_type: (type.signed ? SIGNED : UNSIGNED)[type.bits],
      });
    case "float":
      return el({ type: type.bits === 32 ? "FLOAT" : "DOUBLE" });
    case "decimal": {
      const [e] = type.precision <= INT64_DIGITS
        ? el({ type: "INT64", precision: type.precision, scale: type.scale })
        : el({
          type: "FIXED_LEN_BYTE_ARRAY",
          type_length: decimalBytes(type.precision),
          precision: type.precision,
          scale: type.scale,
        });
      decimals.push(e!);
      return [e!];
    }
    case "string":
      return el({ type: "BYTE_ARRAY", converted_type: "UTF8" });
    case "binary":
      return el({ type: "BYTE_ARRAY" });
    case "date":
      return el({ type: "INT32", converted_type: "DATE" });
    case "timestamp":
      return el({
        type: "INT64",
        logical_type: {
          type: "TIMESTAMP",
          isAdjustedToUTC: type.utc,
          unit: type.unit === "s" ? "MILLIS" : UNIT[type.unit],
        },
      });
    case "time":
      return type.unit === "s" || type.unit === "ms"
        ? el({
          type: "INT32",
          logical_type: {
            type: "TIME",
            isAdjustedToUTC: false,
            unit: "MILLIS",
          },
        })
        : el({
          type: "INT64",
          logical_type: {
            type: "TIME",
            isAdjustedToUTC: false,
            unit: UNIT[type.unit],
          },
        });
    case "list":
      return [
        {
          name,
          repetition_type: repetition,
          converted_type: "LIST",
          num_children: 1,
        },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        ...nested("element", type.item, "OPTIONAL"),
      ];
    case "map":
      return [
        {
          name,
          repetition_type: repetition,
          converted_type: "MAP",
          num_children: 1,
        },
        { name: "key_value", repetition_type: "REPEATED", num_children: 2 },
        ...nested("key", type.key, "REQUIRED"),
        ...nested("value", type.value, "OPTIONAL"),
      ];
    case "struct":
      return [
        {
          name,
          repetition_type: repetition,
          num_children: type.fields.length,
        },
        ...type.fields.flatMap((f) => nested(f.name, f.type, "OPTIONAL")),
      ];
  }
}

/** The footer's schema for `fields`, and its decimal leaves. */
export function parquetSchema(
  fields: Field[],
): { schema: SchemaElement[]; decimals: SchemaElement[] } {
  const decimals: SchemaElement[] = [];
  const schema: SchemaElement[] = [
    { name: "root", num_children: fields.length },
    ...fields.flatMap((f) => elements(f.name, f.type, "OPTIONAL", decimals)),
  ];
  return { schema, decimals };
}

/** Big-endian two's complement of `v` in `width` bytes. */
function unscaledBytes(v: bigint, width: number): Uint8Array {
  const out = new Uint8Array(width);
  let x = BigInt.asUintN(width * 8, v);
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** One value of `type` (in the ColumnVector/NestedValue layout) as the writer takes it. */
function leaf(v: NestedValue, type: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case "int":
      return type.bits === 64 ? BigInt(v as bigint) : Number(v);
    case "decimal":
      return type.precision <= INT64_DIGITS
        ? BigInt(v as bigint)
        : unscaledBytes(BigInt(v as bigint), decimalBytes(type.precision));
    case "timestamp":
      return type.unit === "s"
        ? BigInt(v as bigint) * 1000n
        : BigInt(v as bigint);
    case "time":
      return type.unit === "s"
        ? Number(v) * 1000
        : type.unit === "ms"
        ? Number(v)
        : BigInt(v as bigint);
    case "list":
      return (v as NestedValue[]).map((x) => leaf(x, type.item));
    case "map":
      return (v as { key: NestedValue; value: NestedValue }[]).map((e) => ({
        key: leaf(e.key, type.key),
        value: leaf(e.value, type.value),
      }));
    case "struct": {
      const o = v as Record<string, NestedValue>;
      const out: Record<string, unknown> = {};
      for (const f of type.fields) {
        out[f.name] = leaf(o[f.name] ?? null, f.type);
      }
      return out;
    }
    case "bool":
      return Boolean(v);
    default:
      return v;
  }
}

/** The column's values as the writer takes them, null at null rows. */
function columnValues(col: ColumnVector, n: number): unknown[] {
  const { valid, values, field } = col;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    out[i] = valid && !valid[i]
      ? null
      : leaf((values as ArrayLike<NestedValue>)[i]!, field.type);
  }
  return out;
}

/**
 * A writer for rows of `fields`; push every batch, then finish.
 *
 * @example
 * ```ts
 * import { createParquetEncoder } from "./parquet.ts";
 * const enc = createParquetEncoder([
 *   { name: "n", type: { kind: "int", bits: 32, signed: true }, nullable: true },
 * ]);
 * enc.push({ length: 2, columns: [{
 *   field: { name: "n", type: { kind: "int", bits: 32, signed: true }, nullable: true },
 *   values: new Int32Array([1, 2]),
 *   valid: null,
 * }] });
 * const file = enc.finish();
 * console.assert(new TextDecoder().decode(file.subarray(0, 4)) === "PAR1");
 * ```
 */
export function createParquetEncoder(fields: Field[]): ParquetEncoder {
  const writer = new ByteWriter();
  const { schema, decimals } = parquetSchema(fields);
  const parquet = new ParquetWriter({
    writer,
    schema,
    // The writer's statistics go through doubles for decimals and signed
    // ints for UINT_32: a reader pruning row groups by them would skip
    // rows. Exports are read whole, so they carry none.
    statistics: false,
  });
  let pending: unknown[][] = fields.map(() => []);
  let rows = 0;

  /** The bytes written since the last call, leaving offsets absolute. */
  function take(): Uint8Array {
    const bytes = writer.getBytes().slice();
    writer.index = 0;
    return bytes;
  }

  function flushGroup(): void {
    if (rows === 0) return;
    parquet.write({
      columnData: fields.map((f, i) => ({
        name: f.name,
        data: pending[i]!,
      })),
      rowGroupSize: rows,
    });
    pending = fields.map(() => []);
    rows = 0;
  }

  return {
    push(batch) {
      batch.columns.forEach((c, i) => {
        const vals = columnValues(c, batch.length);
        const into = pending[i]!;
        for (const v of vals) into.push(v);
      });
      rows += batch.length;
      if (rows < ROW_GROUP_ROWS) return null;
      flushGroup();
      return take();
    },
    finish() {
      flushGroup();
      // Decimals are written as their unscaled integers, unannotated,
      // because the writer converts annotated ones through a double; the
      // footer, written now, annotates them.
      for (const e of decimals) e.converted_type = "DECIMAL";
      parquet.finish();
      return take();
    },
  };
}
