/**
 * RFC 4180 CSV. Values are the JSON texts with string quotes removed, so
 * numbers, dates and timestamps read the same as in JSON; nulls are empty and
 * nested values are their JSON text. Rows are written straight into a
 * ByteWriter with one value writer per column, as rows.ts writes JSON: the
 * JSON text of each value, parsed back per field, cost 10× NDJSON's time
 * per byte on a whole export.
 */
import type { ColumnVector, Field, NestedValue } from "../data/types.ts";
import type { ResultBatch } from "../data/types.ts";
import {
  base64,
  decimalText,
  float32Text,
  float64Text,
  timeText,
} from "../data/text.ts";
import { ByteWriter } from "./bytes.ts";
import {
  integerWriter,
  timestampWriter,
  valueJson,
  writeDate,
  writeFloat64,
} from "./values.ts";

const encoder = new TextEncoder();
/** The characters that make a field quoted, as a test and as ByteWriter.plain's table. */
const QUOTED = '",\r\n';
const SPECIAL = new RegExp(`[${QUOTED}]`);
const STOP = new Uint8Array(128);
for (const c of QUOTED) STOP[c.charCodeAt(0)] = 1;

/** Whether `c` may be white space that String.prototype.trim removes. */
function maybeSpace(c: number): boolean {
  return c <= 0x20 || c >= 0xa0;
}

/** A field as CSV writes it: quoted when it holds a quote, comma or line break, or starts or ends with white space. */
function csvField(s: string): string {
  return SPECIAL.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}

export function encodeCsvHeader(fields: Field[]): Uint8Array {
  return encoder.encode(fields.map((f) => csvField(f.name)).join(",") + "\r\n");
}

type ValueWriter = (i: number) => void;

/** Writes the CSV field of row `i` of `col`, which is not null. */
function valueWriter(w: ByteWriter, col: ColumnVector): ValueWriter {
  const t = col.field.type;
  const v = col.values;
  switch (t.kind) {
    case "bool": {
      const a = v as Uint8Array;
      return (i) => w.ascii(a[i] ? "true" : "false");
    }
    case "int":
      return integerWriter(w, t, v as Int32Array, String);
    case "float": {
      const a = v as Float64Array;
      if (t.bits === 32) {
        return (i) => {
          const x = a[i]!;
          w.ascii(Number.isFinite(x) ? float32Text(x) : float64Text(x));
        };
      }
      return (i) => {
        const x = a[i]!;
        if (Number.isFinite(x)) writeFloat64(w, x);
        else w.ascii(float64Text(x));
      };
    }
    case "decimal": {
      const a = v as bigint[];
      return (i) => w.ascii(decimalText(a[i]!, t.scale));
    }
    case "string": {
      const a = v as string[];
      return (i) => {
        const s = a[i]!;
        const edge = s.length > 0 &&
          (maybeSpace(s.charCodeAt(0)) ||
            maybeSpace(s.charCodeAt(s.length - 1)));
        if ((edge && s !== s.trim()) || !w.plain(s, STOP)) {
          w.text(csvField(s));
        }
      };
    }
    case "binary": {
      const a = v as Uint8Array[];
      return (i) => w.ascii(base64(a[i]!));
    }
    case "date": {
      const a = v as Int32Array;
      return (i) => writeDate(w, a[i]!);
    }
    case "timestamp":
      return timestampWriter(w, t, v as BigInt64Array, false);
    case "time": {
      const a = v as BigInt64Array;
      return (i) => w.ascii(timeText(a[i]!, t.unit));
    }
    default: {
      const a = v as NestedValue[];
      return (i) => {
        const json = valueJson(t, a[i] ?? null);
        if (json !== "null") w.text(csvField(json));
      };
    }
  }
}

export function encodeCsvBatch(batch: ResultBatch): Uint8Array {
  const n = batch.length;
  if (n === 0) return new Uint8Array(0);
  const w = new ByteWriter();
  const cols = batch.columns;
  const writers = cols.map((c) => valueWriter(w, c));
  const valid = cols.map((c) => c.valid);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < cols.length; k++) {
      if (k > 0) w.byte(0x2c);
      const ok = valid[k];
      if (!ok || ok[i]) writers[k]!(i);
    }
    w.byte(0x0d);
    w.byte(0x0a);
  }
  return w.result();
}
