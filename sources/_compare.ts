/** Scalar comparison for partition values (exact, engine-independent). */
import type { Decimal, Scalar } from "../data/types.ts";

function isDecimal(v: Scalar): v is Decimal {
  return typeof v === "object" && !(v instanceof Uint8Array);
}

function decimalCmp(a: Decimal, b: Decimal): number {
  const s = Math.max(a.scale, b.scale);
  const x = a.unscaled * 10n ** BigInt(s - a.scale);
  const y = b.unscaled * 10n ** BigInt(s - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

const utf8 = new TextEncoder();

function bytesCmp(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** -1, 0 or 1; strings by UTF-8 bytes, NaN above every number and equal to itself. */
export function compareScalars(a: Scalar, b: Scalar): number {
  if (isDecimal(a) || isDecimal(b)) {
    const da = isDecimal(a) ? a : { unscaled: BigInt(a as number), scale: 0 };
    const db = isDecimal(b) ? b : { unscaled: BigInt(b as number), scale: 0 };
    return decimalCmp(da, db);
  }
  if (typeof a === "string" && typeof b === "string") {
    return Math.sign(bytesCmp(utf8.encode(a), utf8.encode(b)));
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return Math.sign(bytesCmp(a, b));
  }
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) || Number.isNaN(b)) {
      return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
    }
  }
  const x = typeof a === "boolean" ? Number(a) : a;
  const y = typeof b === "boolean" ? Number(b) : b;
  return x < y ? -1 : x > y ? 1 : 0;
}
