/**
 * Results as an Arrow IPC stream. Arrow types are a pure function of our
 * DataType, so both engines produce the same schema; fixed-width columns are
 * handed to Arrow without copying.
 */
import * as arrow from "apache-arrow";
import type {
  ColumnVector,
  DataType,
  Field,
  NestedValue,
  ResultBatch,
  TimeUnit,
} from "../data/types.ts";

const UNITS: Record<TimeUnit, arrow.TimeUnit> = {
  s: arrow.TimeUnit.SECOND,
  ms: arrow.TimeUnit.MILLISECOND,
  us: arrow.TimeUnit.MICROSECOND,
  ns: arrow.TimeUnit.NANOSECOND,
};

/** The Arrow type of one of our types. */
export function arrowType(t: DataType): arrow.DataType {
  switch (t.kind) {
    case "bool":
      return new arrow.Bool();
    case "int":
      return new arrow.Int(t.signed, t.bits);
    case "float":
      return new arrow.Float(
        t.bits === 32 ? arrow.Precision.SINGLE : arrow.Precision.DOUBLE,
      );
    case "decimal":
      return new arrow.Decimal(t.scale, t.precision, 128);
    case "string":
      return new arrow.Utf8();
    case "binary":
      return new arrow.Binary();
    case "date":
      return new arrow.DateDay();
    case "timestamp":
      return new arrow.Timestamp(UNITS[t.unit], t.utc ? "UTC" : null);
    case "time":
      return new arrow.Time(UNITS[t.unit], 64);
    case "list":
      return new arrow.List(new arrow.Field("item", arrowType(t.item), true));
    case "struct":
      return new arrow.Struct(
        t.fields.map((f) => new arrow.Field(f.name, arrowType(f.type), true)),
      );
    case "map":
      return new arrow.Map_(
        new arrow.Field(
          "entries",
          // deno-lint-ignore no-explicit-any
          new arrow.Struct<any>([
            new arrow.Field("key", arrowType(t.key), false),
            new arrow.Field("value", arrowType(t.value), true),
          ]),
          false,
        ),
      );
  }
}

export function arrowSchema(fields: Field[]): arrow.Schema {
  return new arrow.Schema(
    fields.map((f) => new arrow.Field(f.name, arrowType(f.type), f.nullable)),
  );
}

function bitmap(valid: Uint8Array | null, n: number): Uint8Array | undefined {
  if (!valid) return undefined;
  const bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (valid[i]) bits[i >> 3]! |= 1 << (i & 7);
  return bits;
}

function nullCount(valid: Uint8Array | null, n: number): number {
  if (!valid) return 0;
  let c = 0;
  for (let i = 0; i < n; i++) if (!valid[i]) c++;
  return c;
}

const encoder = new TextEncoder();

function columnData(col: ColumnVector, n: number): arrow.Data {
  const t = col.field.type;
  const type = arrowType(t);
  const nullBitmap = bitmap(col.valid, n);
  const nulls = nullCount(col.valid, n);
  const base = { type, length: n, nullCount: nulls, nullBitmap };
  switch (t.kind) {
    case "bool": {
      const src = col.values as Uint8Array;
      const bits = new Uint8Array((n + 7) >> 3);
      const valid = col.valid;
      for (let i = 0; i < n; i++) {
        if (src[i] && (!valid || valid[i])) bits[i >> 3]! |= 1 << (i & 7);
      }
      return arrow.makeData({ ...base, type: type as arrow.Bool, data: bits });
    }
    case "float":
      return arrow.makeData(
        {
          ...base,
          data: canonicalFloats(
            zeroNulls((col.values as Float64Array).subarray(0, n), col.valid),
          ),
        } as unknown as Parameters<typeof arrow.makeData>[0],
      ) as arrow.Data;
    case "int":
    case "date":
    case "timestamp":
    case "time":
      return arrow.makeData(
        {
          ...base,
          data: zeroNulls((col.values as Int32Array).subarray(0, n), col.valid),
        } as unknown as Parameters<typeof arrow.makeData>[0],
      ) as arrow.Data;
    case "decimal": {
      const src = col.values as bigint[];
      const words = new Uint32Array(n * 4);
      for (let i = 0; i < n; i++) {
        if (col.valid && !col.valid[i]) continue;
        words.set(decimalWords(src[i]!), i * 4);
      }
      return arrow.makeData({
        ...base,
        type: type as arrow.Decimal,
        data: words,
      });
    }
    case "string":
    case "binary": {
      const parts: Uint8Array[] = new Array(n);
      const offsets = new Int32Array(n + 1);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const v = col.valid && !col.valid[i]
          ? new Uint8Array(0)
          : t.kind === "string"
          ? encoder.encode((col.values as string[])[i]!)
          : (col.values as Uint8Array[])[i]!;
        parts[i] = v;
        total += v.length;
        offsets[i + 1] = total;
      }
      const data = new Uint8Array(total);
      for (let i = 0; i < n; i++) data.set(parts[i]!, offsets[i]!);
      return arrow.makeData({
        ...base,
        type: type as arrow.Utf8,
        data,
        valueOffsets: offsets,
      });
    }
    default: {
      const values = (col.values as NestedValue[]).slice(0, n).map((v, i) =>
        col.valid && !col.valid[i] ? null : toArrowJs(t, v)
      );
      return arrow.vectorFromArray(values, type).data[0]!;
    }
  }
}

/** An unscaled decimal as Arrow's four little-endian 32-bit words (two's complement). */
function decimalWords(unscaled: bigint): Uint32Array {
  const words = new Uint32Array(4);
  let v = BigInt.asUintN(128, unscaled);
  for (let w = 0; w < 4; w++) {
    words[w] = Number(v & 0xffffffffn);
    v >>= 32n;
  }
  return words;
}

/** Nested values in the shapes apache-arrow's builders take. */
function toArrowJs(t: DataType, v: NestedValue): unknown {
  if (v === null) return null;
  switch (t.kind) {
    case "list":
      return (v as NestedValue[]).map((x) => toArrowJs(t.item, x));
    case "struct":
      return Object.fromEntries(
        t.fields.map((f) => [
          f.name,
          toArrowJs(f.type, (v as Record<string, NestedValue>)[f.name] ?? null),
        ]),
      );
    case "map":
      return new Map(
        (v as { key: NestedValue; value: NestedValue }[]).map((e) => [
          toArrowJs(t.key, e.key),
          toArrowJs(t.value, e.value),
        ]),
      );
    case "date":
      return new Date(Number(v) * 86_400_000);
    case "decimal":
      return decimalWords(v as bigint);
    case "int":
      return t.bits === 64 ? BigInt(v as bigint) : v;
    default:
      return v;
  }
}

/** One record batch holding the whole result. */
export function batchToRecordBatch(
  batch: ResultBatch,
  fields: Field[],
): arrow.RecordBatch {
  const schema = arrowSchema(fields);
  const children = batch.columns.map((c) => columnData(c, batch.length));
  const data = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: batch.length,
    nullCount: 0,
    children,
  });
  return new arrow.RecordBatch(schema, data);
}

/** An Arrow IPC stream (schema + one batch) of a page. */
export function encodeArrowIPC(
  batch: ResultBatch,
  fields: Field[],
): Uint8Array {
  const writer = new arrow.RecordBatchStreamWriter();
  writer.write(batchToRecordBatch(batch, fields));
  writer.finish();
  return writer.toUint8Array(true);
}

/** An Arrow IPC stream written batch by batch as the engine yields them. */
export function encodeArrowStream(
  fields: Field[],
  batches: AsyncIterable<ResultBatch>,
): ReadableStream<Uint8Array> {
  const writer = new arrow.RecordBatchStreamWriter();
  const it = batches[Symbol.asyncIterator]();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      const next = await it.next();
      if (next.done) {
        if (!started) {
          writer.write(
            batchToRecordBatch(
              { length: 0, columns: emptyColumns(fields) },
              fields,
            ),
          );
        }
        writer.finish();
        ctrl.enqueue(writer.toUint8Array(true));
        ctrl.close();
        return;
      }
      started = true;
      writer.write(batchToRecordBatch(next.value, fields));
      ctrl.enqueue(writer.toUint8Array(true));
    },
    async cancel() {
      await it.return?.();
    },
  });
}

function emptyColumns(fields: Field[]): ColumnVector[] {
  return fields.map((field) => ({ field, values: [], valid: null }));
}

/**
 * -0 written as 0 and every NaN as the one quiet NaN, as JSON writes them:
 * the sign of a zero and the payload of a NaN depend on how an engine got
 * there (DuckDB's sort may rebuild -0 from a normalised key; x86 makes
 * Inf + -Inf a NaN with the sign bit set, and V8's tiers differ on which
 * NaN an addition keeps), so only the value is an answer.
 */
function canonicalFloats<T extends Float32Array | Float64Array>(values: T): T {
  const wide = values instanceof Float64Array;
  const words = new Uint32Array(
    values.buffer,
    values.byteOffset,
    values.length * (wide ? 2 : 1),
  );
  let out = values;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const signedZero = v === 0 && 1 / v < 0;
    const oddNaN = v !== v &&
      (wide
        ? words[2 * i]! !== 0 || words[2 * i + 1]! !== 0x7ff80000
        : words[i]! !== 0x7fc00000);
    if (signedZero || oddNaN) {
      if (out === values) out = values.slice() as T;
      out[i] = signedZero ? 0 : NaN;
    }
  }
  return out;
}

/**
 * Slots behind a null hold whatever the engine left there; zeroing them
 * makes the IPC bytes a function of the values alone, the same for every engine.
 */
function zeroNulls<T extends Int32Array | Float32Array | Float64Array>(
  values: T,
  valid: Uint8Array | null,
): T {
  if (!valid) return values;
  const out = values.slice() as T;
  const zero =
    (out instanceof BigInt64Array || out instanceof BigUint64Array
      ? 0n
      : 0) as never;
  for (let i = 0; i < out.length; i++) if (!valid[i]) out[i] = zero;
  return out;
}
