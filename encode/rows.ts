/**
 * Result rows as JSON objects written straight into a ByteWriter, with one
 * value writer per column specialised by type. The value rules are those
 * of values.ts, so JSON, NDJSON and CSV agree.
 */
import type {
  ColumnVector,
  Field,
  NestedValue,
  ResultBatch,
} from "../data/types.ts";
import type { ByteWriter } from "./bytes.ts";
import { base64, dateText, decimalText, timeText } from "../data/text.ts";
import {
  float32Json,
  int64Json,
  integerWriter,
  timestampWriter,
  valueJson,
  writeFloat64,
} from "./values.ts";

const utf8 = new TextEncoder();

// `{"name":` and `,"name":` per field, encoded once: fields live as long
// as their dataset's schema.
const keyCache = new WeakMap<Field, [Uint8Array, Uint8Array]>();

function keyBytes(field: Field, first: boolean): Uint8Array {
  let pair = keyCache.get(field);
  if (!pair) {
    const name = JSON.stringify(field.name);
    pair = [utf8.encode(`{${name}:`), utf8.encode(`,${name}:`)];
    keyCache.set(field, pair);
  }
  return pair[first ? 0 : 1];
}

type ValueWriter = (i: number) => void;

function quoted(w: ByteWriter, s: string): void {
  w.byte(0x22);
  w.ascii(s);
  w.byte(0x22);
}

/** Writes the JSON of row `i` of `col`, which is not null. */
function valueWriter(w: ByteWriter, col: ColumnVector): ValueWriter {
  const t = col.field.type;
  const v = col.values;
  switch (t.kind) {
    case "bool": {
      const a = v as Uint8Array;
      return (i) => w.ascii(a[i] ? "true" : "false");
    }
    case "int":
      return integerWriter(w, t, v as Int32Array, int64Json);
    case "float": {
      const a = v as Float64Array;
      if (t.bits === 32) return (i) => w.ascii(float32Json(a[i]!));
      return (i) => writeFloat64(w, a[i]!);
    }
    case "decimal": {
      const a = v as bigint[];
      return (i) => quoted(w, decimalText(a[i]!, t.scale));
    }
    case "string": {
      const a = v as string[];
      return (i) => w.jsonString(a[i]!);
    }
    case "binary": {
      const a = v as Uint8Array[];
      return (i) => quoted(w, base64(a[i]!));
    }
    case "date": {
      const a = v as Int32Array;
      return (i) => quoted(w, dateText(a[i]!));
    }
    case "timestamp":
      return timestampWriter(w, t, v as BigInt64Array, true);
    case "time": {
      const a = v as BigInt64Array;
      return (i) => quoted(w, timeText(a[i]!, t.unit));
    }
    default: {
      const a = v as NestedValue[];
      return (i) => w.text(valueJson(t, a[i] ?? null));
    }
  }
}

/** Each row as `{"col":value,...}`, rows separated by the byte `sep`, none after the last. */
export function writeRows(
  w: ByteWriter,
  batch: ResultBatch,
  sep: number,
): void {
  const cols = batch.columns;
  const keys = cols.map((c, k) => keyBytes(c.field, k === 0));
  const writers = cols.map((c) => valueWriter(w, c));
  const valid = cols.map((c) => c.valid);
  const n = batch.length;
  for (let i = 0; i < n; i++) {
    if (i > 0) w.byte(sep);
    if (cols.length === 0) {
      w.ascii("{}");
      continue;
    }
    for (let k = 0; k < cols.length; k++) {
      w.bytes(keys[k]!);
      const ok = valid[k];
      if (ok && !ok[i]) w.ascii("null");
      else writers[k]!(i);
    }
    w.byte(0x7d);
  }
}
