/**
 * DuckDB result chunks → our columnar ResultBatch. Fixed-width vectors are
 * copied straight from DuckDB's buffers into one typed array per column;
 * only strings, blobs, decimals and nested values are read item by item, and
 * never before their validity bit says the entry is not NULL.
 */
import type {
  DuckDBDataChunk,
  DuckDBResult,
  DuckDBVector,
} from "@duckdb/node-api";
import type {
  ColumnValues,
  ColumnVector,
  DataType,
  Field,
  NestedValue,
  ResultBatch,
} from "../../query/types.ts";

type Typed =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

interface RawVector {
  items?: Typed;
  validity?: { data: BigUint64Array | null; offset: number };
}

/** The typed-array constructor holding a column of `t`, or null for item-wise columns. */
function typedCtor(t: DataType): (new (n: number) => Typed) | null {
  switch (t.kind) {
    case "int":
      if (t.bits === 64) return t.signed ? BigInt64Array : BigUint64Array;
      if (t.bits === 32) return t.signed ? Int32Array : Uint32Array;
      if (t.bits === 16) return t.signed ? Int16Array : Uint16Array;
      return t.signed ? Int8Array : Uint8Array;
    case "float":
      return t.bits === 32 ? Float32Array : Float64Array;
    case "date":
      return Int32Array;
    case "timestamp":
      return BigInt64Array;
    default:
      return null;
  }
}

/** Copies the validity bits of a vector into `valid` at `at`; returns whether any was null. */
function copyValidity(
  vec: RawVector,
  n: number,
  valid: Uint8Array,
  at: number,
): boolean {
  const data = vec.validity?.data;
  if (!data) {
    valid.fill(1, at, at + n);
    return false;
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const off = vec.validity!.offset;
  let anyNull = false;
  for (let i = 0; i < n; i++) {
    const bit = off + i;
    const ok = (bytes[bit >> 3]! >> (bit & 7)) & 1;
    valid[at + i] = ok;
    if (!ok) anyNull = true;
  }
  return anyNull;
}

const TIME_SCALE = { s: -1_000_000n, ms: -1_000n, us: 1n, ns: 1_000n };

/** One non-null DuckDB value → our layout for type `t`. */
function convert(t: DataType, v: unknown): NestedValue {
  if (v === null || v === undefined) return null;
  // deno-lint-ignore no-explicit-any
  const x = v as any;
  switch (t.kind) {
    case "decimal":
      return x.value as bigint;
    case "binary":
      return x.bytes as Uint8Array;
    case "date":
      return x.days as number;
    case "timestamp":
      return (x.micros ?? x.nanos ?? x.millis ?? x.seconds) as bigint;
    case "time": {
      const s = TIME_SCALE[t.unit];
      const us = x.micros as bigint;
      return s > 0n ? us * s : us / -s;
    }
    case "list":
      return (x.items as unknown[]).map((i) => convert(t.item, i));
    case "struct": {
      const out: Record<string, NestedValue> = {};
      for (const f of t.fields) {
        out[f.name] = convert(f.type, x.entries[f.name]);
      }
      return out;
    }
    case "map":
      return (x.entries as { key: unknown; value: unknown }[]).map((e) => ({
        key: convert(t.key, e.key),
        value: convert(t.value, e.value),
      }));
    case "bool":
      return Boolean(x);
    default:
      return x as NestedValue;
  }
}

/** Accumulates chunks column by column into a batch of known output fields. */
class BatchBuilder {
  #chunks: DuckDBDataChunk[] = [];
  #rows = 0;
  constructor(readonly fields: Field[]) {}

  get rows(): number {
    return this.#rows;
  }

  add(chunk: DuckDBDataChunk): void {
    this.#chunks.push(chunk);
    this.#rows += chunk.rowCount;
  }

  build(): ResultBatch {
    const n = this.#rows;
    const columns = this.fields.map((field, c) => this.#column(field, c, n));
    this.#chunks = [];
    this.#rows = 0;
    return { length: n, columns };
  }

  #column(field: Field, c: number, n: number): ColumnVector {
    const valid = new Uint8Array(n);
    let anyNull = false;
    const Ctor = typedCtor(field.type);
    let values: ColumnValues;
    if (Ctor) {
      const out = new Ctor(n);
      let at = 0;
      for (const chunk of this.#chunks) {
        const vec = chunk.getColumnVector(c) as unknown as RawVector;
        const len = chunk.rowCount;
        // deno-lint-ignore no-explicit-any
        (out as any).set((vec.items as any).subarray(0, len), at);
        anyNull = copyValidity(vec, len, valid, at) || anyNull;
        at += len;
      }
      values = out;
    } else if (field.type.kind === "bool") {
      const out = new Uint8Array(n);
      let at = 0;
      for (const chunk of this.#chunks) {
        const vec = chunk.getColumnVector(c);
        const len = chunk.rowCount;
        anyNull = copyValidity(vec as unknown as RawVector, len, valid, at) ||
          anyNull;
        for (let i = 0; i < len; i++) {
          out[at + i] = valid[at + i] && vec.getItem(i) ? 1 : 0;
        }
        at += len;
      }
      values = out;
    } else if (field.type.kind === "time") {
      const out = new BigInt64Array(n);
      let at = 0;
      for (const chunk of this.#chunks) {
        const vec = chunk.getColumnVector(c) as unknown as RawVector;
        const len = chunk.rowCount;
        anyNull = copyValidity(vec, len, valid, at) || anyNull;
        const items = vec.items as BigInt64Array;
        const s = TIME_SCALE[field.type.unit];
        for (let i = 0; i < len; i++) {
          out[at + i] = s > 0n ? items[i]! * s : items[i]! / -s;
        }
        at += len;
      }
      values = out;
    } else {
      const out = new Array<NestedValue>(n);
      let at = 0;
      for (const chunk of this.#chunks) {
        const vec = chunk.getColumnVector(c) as DuckDBVector;
        const len = chunk.rowCount;
        anyNull = copyValidity(vec as unknown as RawVector, len, valid, at) ||
          anyNull;
        for (let i = 0; i < len; i++) {
          out[at + i] = valid[at + i]
            ? convert(field.type, vec.getItem(i))
            : null;
        }
        at += len;
      }
      values = out as ColumnValues;
    }
    return { field, values, valid: anyNull ? valid : null };
  }
}

/** Reads a whole result into one batch. */
export async function readBatch(
  result: DuckDBResult,
  fields: Field[],
): Promise<ResultBatch> {
  const b = new BatchBuilder(fields);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    b.add(chunk);
  }
  return b.build();
}

/** Reads a result as batches of about `size` rows. */
export async function* readBatches(
  result: DuckDBResult,
  fields: Field[],
  size: number,
): AsyncGenerator<ResultBatch> {
  const b = new BatchBuilder(fields);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    b.add(chunk);
    if (b.rows >= size) yield b.build();
  }
  if (b.rows > 0) yield b.build();
}
