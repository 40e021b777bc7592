/**
 * One column of a result → the JSON text of each of its values, in a loop
 * specialised per type so a page is encoded without per-row objects.
 */
import type { ColumnVector, NestedValue } from "../data/types.ts";
import {
  base64,
  dateText,
  decimalText,
  timestampText,
  timestampTextSafe,
  timeText,
} from "../data/text.ts";
import {
  float32Json,
  float64Json,
  int64AsSafeNumber,
  int64Json,
  valueJson,
} from "./values.ts";

const NULL = "null";

/** JSON text per row of `col` (null entries are `null`). */
export function columnJson(col: ColumnVector, n: number): string[] {
  const { field, valid } = col;
  const t = field.type;
  const out = new Array<string>(n);
  const v = col.values;
  switch (t.kind) {
    case "bool": {
      const a = v as Uint8Array;
      for (let i = 0; i < n; i++) out[i] = a[i] ? "true" : "false";
      break;
    }
    case "int":
      if (t.bits === 64) {
        const a = v as BigInt64Array | BigUint64Array;
        const words = t.signed
          ? new Int32Array(a.buffer, a.byteOffset, n * 2)
          : null;
        for (let i = 0; i < n; i++) {
          const safe = words ? int64AsSafeNumber(words, i) : null;
          out[i] = safe !== null ? String(safe) : int64Json(a[i]!);
        }
      } else {
        const a = v as Int32Array;
        for (let i = 0; i < n; i++) out[i] = String(a[i]);
      }
      break;
    case "float": {
      const a = v as Float64Array;
      const f = t.bits === 32 ? float32Json : float64Json;
      for (let i = 0; i < n; i++) out[i] = f(a[i]!);
      break;
    }
    case "decimal": {
      const a = v as bigint[];
      for (let i = 0; i < n; i++) {
        out[i] = valid && !valid[i] ? NULL : `"${decimalText(a[i]!, t.scale)}"`;
      }
      break;
    }
    case "string": {
      const a = v as string[];
      for (let i = 0; i < n; i++) {
        out[i] = valid && !valid[i] ? NULL : JSON.stringify(a[i]);
      }
      break;
    }
    case "binary": {
      const a = v as Uint8Array[];
      for (let i = 0; i < n; i++) {
        out[i] = valid && !valid[i] ? NULL : `"${base64(a[i]!)}"`;
      }
      break;
    }
    case "date": {
      const a = v as Int32Array;
      for (let i = 0; i < n; i++) out[i] = `"${dateText(a[i]!)}"`;
      break;
    }
    case "timestamp": {
      const a = v as BigInt64Array;
      const words = new Int32Array(a.buffer, a.byteOffset, n * 2);
      for (let i = 0; i < n; i++) {
        if (valid && !valid[i]) {
          out[i] = NULL;
          continue;
        }
        const safe = int64AsSafeNumber(words, i);
        out[i] = `"${
          safe !== null
            ? timestampTextSafe(safe, t.unit, t.utc)
            : timestampText(a[i]!, t.unit, t.utc)
        }"`;
      }
      break;
    }
    case "time": {
      const a = v as BigInt64Array;
      for (let i = 0; i < n; i++) {
        out[i] = valid && !valid[i] ? NULL : `"${timeText(a[i]!, t.unit)}"`;
      }
      break;
    }
    default: {
      const a = v as NestedValue[];
      for (let i = 0; i < n; i++) {
        out[i] = valid && !valid[i] ? NULL : valueJson(t, a[i] ?? null);
      }
    }
  }
  if (valid) {
    for (let i = 0; i < n; i++) if (!valid[i]) out[i] = NULL;
  }
  return out;
}

/** JSON text of one value, for the schema route's sample row. */
export function encodeJsonValue(col: ColumnVector, i: number): string {
  const one: ColumnVector = {
    field: col.field,
    values: col.values.slice(i, i + 1) as ColumnVector["values"],
    valid: col.valid ? col.valid.slice(i, i + 1) : null,
  };
  return columnJson(one, 1)[0]!;
}
