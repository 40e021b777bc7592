/**
 * DuckDB result chunks → our columnar ResultBatch. Fixed-width vectors are
 * copied straight from DuckDB's buffers into one typed array per column;
 * only strings, blobs, decimals and nested values are read item by item, and
 * never before their validity bit says the entry is not NULL.
 */
import type {
  DuckDBDataChunk,
  DuckDBMaterializedResult,
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
  TimeUnit,
} from "../../data/types.ts";

/** The typed-array layouts of ColumnValues. */
type Typed = Extract<ColumnValues, { BYTES_PER_ELEMENT: number }>;

interface RawVector {
  items?: Typed;
  /** VARCHAR (16-byte string_t per entry) and BOOLEAN (1 byte per entry). */
  dataView?: DataView;
  validity?: { data: BigUint64Array | null; offset: number };
}

const latin = new TextDecoder();

/**
 * VARCHAR entries of one chunk into `out` at `at`. DuckDB stores strings of
 * up to 12 bytes inside the 16-byte entry: when those are all ASCII they are
 * decoded with one TextDecoder call per chunk and cut out with substring,
 * instead of a decoder call per row. Longer strings live behind a pointer
 * only node-api can follow, so they are read one by one.
 */
function readStrings(
  vec: DuckDBVector,
  n: number,
  { valid, base }: VectorValidity,
  at: number,
  out: NestedValue[],
): void {
  const dv = (vec as unknown as RawVector).dataView!;
  const entries = new Uint8Array(dv.buffer, dv.byteOffset, n * 16);
  const packed = new Uint8Array(n * 12);
  const ends = new Int32Array(n);
  let size = 0, high = 0;
  for (let i = 0; i < n; i++) {
    const len = valid[base + i] ? dv.getUint32(i * 16, true) : 0;
    if (len <= 12) {
      const from = i * 16 + 4;
      for (let k = 0; k < len; k++) high |= packed[size++] = entries[from + k]!;
    }
    ends[i] = size;
  }
  if (high >= 0x80) {
    for (let i = 0; i < n; i++) {
      out[at + i] = valid[base + i] ? vec.getItem(i) as string : null;
    }
    return;
  }
  const text = latin.decode(packed.subarray(0, size));
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = ends[i]!;
    if (!valid[base + i]) out[at + i] = null;
    else if (dv.getUint32(i * 16, true) > 12) {
      out[at + i] = vec.getItem(i) as string;
    } else out[at + i] = text.substring(start, end);
    start = end;
  }
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

/** The validity of entries while their column has had no null: 1s, a vector's worth. */
const ALL_VALID = new Uint8Array(2048).fill(1);

/** Where the validity of a vector's entries is read back: entry i's is `valid[base + i]`. */
export interface VectorValidity {
  valid: Uint8Array;
  base: number;
}

/**
 * A column's validity, one byte a row, allocated only when a null turns
 * up: most columns have none, and writing a byte a row for each of them
 * first-touched memory that was thrown away at the end (2 MB a column of
 * a 2M-row load).
 */
export class ValiditySink {
  #valid: Uint8Array | null = null;

  constructor(readonly rows: number) {}

  /** 1 = a value, 0 = null; null while every row so far has a value. */
  get array(): Uint8Array | null {
    return this.#valid;
  }

  /** Copies the validity of `n` entries of `vec` to rows `at`.. (appended in order). */
  copy(vec: DuckDBVector, n: number, at: number): VectorValidity {
    const validity = (vec as unknown as RawVector).validity;
    const data = validity?.data;
    // A vector longer than ALL_VALID (none is, at DuckDB's 2,048) gets the
    // array at once.
    let valid = this.#valid ??
      (n > ALL_VALID.length ? this.#allocate(at) : null);
    if (!data) {
      if (!valid) return { valid: ALL_VALID, base: 0 };
      valid.fill(1, at, at + n);
      return { valid, base: at };
    }
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const off = validity!.offset;
    for (let i = 0; i < n; i++) {
      const bit = off + i;
      const ok = (bytes[bit >> 3]! >> (bit & 7)) & 1;
      if (valid) valid[at + i] = ok;
      else if (!ok) (valid = this.#allocate(at + i))[at + i] = 0;
    }
    if (!valid) return { valid: ALL_VALID, base: 0 };
    return { valid, base: at };
  }

  /** The array, every row before `upTo` valid. */
  #allocate(upTo: number): Uint8Array {
    this.#valid = new Uint8Array(this.rows);
    return this.#valid.fill(1, 0, upTo);
  }
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

/** One output column, preallocated and filled vector by vector. */
export class ColumnSink {
  readonly #validity: ValiditySink;
  readonly #values: Typed | NestedValue[];
  readonly #ctor: (new (n: number) => Typed) | null;

  constructor(readonly field: Field, n: number) {
    this.#validity = new ValiditySink(n);
    const k = field.type.kind;
    this.#ctor = typedCtor(field.type);
    this.#values = this.#ctor
      ? new this.#ctor(n)
      : k === "bool"
      ? new Uint8Array(n)
      : k === "time"
      ? new BigInt64Array(n)
      : new Array<NestedValue>(n);
  }

  append(vec: DuckDBVector, len: number, at: number): void {
    const raw = vec as unknown as RawVector;
    const validity = this.#validity.copy(vec, len, at);
    const { valid, base } = validity;
    const kind = this.field.type.kind;
    if (this.#ctor) {
      // deno-lint-ignore no-explicit-any
      (this.#values as any).set((raw.items as any).subarray(0, len), at);
    } else if (kind === "bool") {
      const out = this.#values as Uint8Array;
      const dv = raw.dataView!;
      for (let i = 0; i < len; i++) {
        out[at + i] = valid[base + i] && dv.getUint8(i) ? 1 : 0;
      }
    } else if (kind === "time") {
      const out = this.#values as BigInt64Array;
      const items = raw.items as BigInt64Array;
      const s = TIME_SCALE[(this.field.type as { unit: TimeUnit }).unit];
      for (let i = 0; i < len; i++) {
        out[at + i] = s > 0n ? items[i]! * s : items[i]! / -s;
      }
    } else if (kind === "string") {
      readStrings(vec, len, validity, at, this.#values as NestedValue[]);
    } else {
      const out = this.#values as NestedValue[];
      for (let i = 0; i < len; i++) {
        out[at + i] = valid[base + i]
          ? convert(this.field.type, vec.getItem(i))
          : null;
      }
    }
  }

  finish(): ColumnVector {
    return {
      field: this.field,
      values: this.#values as ColumnValues,
      valid: this.#validity.array,
    };
  }
}

/** Accumulates chunks, then converts them column by column into one batch. */
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
    const columns = this.fields.map((field, c) => {
      const sink = new ColumnSink(field, n);
      let at = 0;
      for (const chunk of this.#chunks) {
        sink.append(chunk.getColumnVector(c), chunk.rowCount, at);
        at += chunk.rowCount;
      }
      return sink.finish();
    });
    this.#chunks = [];
    this.#rows = 0;
    return { length: n, columns };
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

/**
 * A materialized result into one batch, with no further round trip to
 * DuckDB's threads: its chunks are already there.
 */
export function readMaterialized(
  result: DuckDBMaterializedResult,
  fields: Field[],
): ResultBatch {
  const b = new BatchBuilder(fields);
  const n = result.chunkCount;
  for (let i = 0; i < n; i++) {
    const chunk = result.getChunk(i);
    if (chunk.rowCount > 0) b.add(chunk);
  }
  return b.build();
}

/** Reads a result as batches, batch k of about `size(k)` rows. */
export async function* readBatches(
  result: DuckDBResult,
  fields: Field[],
  size: (k: number) => number,
): AsyncGenerator<ResultBatch> {
  const b = new BatchBuilder(fields);
  for (let k = 0;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    b.add(chunk);
    if (b.rows >= size(k)) {
      yield b.build();
      k++;
    }
  }
  if (b.rows > 0) yield b.build();
}
