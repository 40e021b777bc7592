/**
 * avg of integers and decimals rounded exactly as DuckDB rounds it, so both
 * engines print the same double. DuckDB divides an exact (hugeint) sum:
 * for int8/int16/uint8 and decimals of precision ≤ 4 in double, for wider
 * types in x86-64 `long double` (a 64-bit mantissa), then rounds that
 * quotient to a double — two roundings, which a plain `sum / count` in
 * float64 does not reproduce.
 */
import type { DataType } from "../../data/types.ts";

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** A value m·2^e held exactly. */
type Binary = [m: bigint, e: number];

/** num/den (den > 0) rounded to `bits` significant bits, ties to even. */
function round(num: bigint, den: bigint, bits: number): Binary {
  if (num === 0n) return [0n, 0];
  const neg = num < 0n;
  const n = neg ? -num : num;
  // Scale so the integer quotient keeps a few bits beyond `bits`.
  let e = bitLength(n) - bitLength(den) - bits - 2;
  const a = e >= 0 ? n : n << BigInt(-e);
  const b = e >= 0 ? den << BigInt(e) : den;
  let q = a / b;
  const inexact = a % b !== 0n;
  const extra = BigInt(bitLength(q) - bits);
  const dropped = q & ((1n << extra) - 1n);
  const half = 1n << (extra - 1n);
  q >>= extra;
  e += Number(extra);
  if (dropped > half || (dropped === half && (inexact || (q & 1n) === 1n))) {
    q += 1n;
    if (bitLength(q) > bits) {
      q >>= 1n;
      e += 1;
    }
  }
  return [neg ? -q : q, e];
}

/** x/y for x, y held as m·2^e. */
function quotient(x: Binary, y: Binary, bits: number): Binary {
  const shift = x[1] - y[1];
  const [m, e] = shift >= 0
    ? round(x[0] << BigInt(shift), y[0], bits)
    : round(x[0], y[0] << BigInt(-shift), bits);
  return [m, e];
}

function toNumber([m, e]: Binary): number {
  return Number(m) * 2 ** e;
}

/** Whether DuckDB averages this type in double (else in long double). */
function inDouble(t: DataType): boolean {
  if (t.kind === "int") return t.bits <= 8 || (t.bits === 16 && t.signed);
  return t.kind === "decimal" && t.precision <= 4;
}

/**
 * The average of `count` values summing to `sum` (unscaled for decimals),
 * as DuckDB computes it for `t`.
 */
export function duckAverage(sum: bigint, count: number, t: DataType): number {
  const scale = t.kind === "decimal" ? 10 ** t.scale : 1;
  if (inDouble(t)) return Number(sum) / (count * scale);
  // long double: the sum and the divisor are each rounded to 64 bits, the
  // quotient to 64 bits, and that to the double's 53.
  const LONG = 64;
  const s = round(sum, 1n, LONG);
  const d = round(BigInt(count) * BigInt(scale), 1n, LONG);
  const [m, e] = quotient(s, d, LONG);
  const [m53, e53] = round(m, 1n, 53);
  return toNumber([m53, e53 + e]);
}
