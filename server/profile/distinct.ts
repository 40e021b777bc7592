/**
 * An approximate distinct count (HyperLogLog, 2^16 registers) over column
 * batches. Hashes depend only on the values, never on their order or on how
 * an engine laid them out, so every engine streaming the same values gets
 * the same estimate; its standard error is about 0.4 % (exact up to 10,000
 * values).
 */
import { columnJson } from "../../encode/columns.ts";
import type { ColumnVector } from "../../data/types.ts";

const P = 16;
const M = 1 << P;
/** Hash bits left after the register index. */
const Q = 32 - P;

/** murmur3's finaliser: a bijection on 32 bits that spreads every input bit. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mix64(lo: number, hi: number): number {
  return mix(lo ^ mix(hi ^ 0x9e3779b9));
}

function hashText(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  return mix(h ^ s.length);
}

const f64 = new Float64Array(1);
const f64Words = new Uint32Array(f64.buffer);

function hashNumber(v: number): number {
  // -0 and 0 are one value in every comparison (README); NaN has one form.
  f64[0] = v === 0 ? 0 : Number.isNaN(v) ? NaN : v;
  return mix64(f64Words[0]!, f64Words[1]!);
}

/** Up to this many distinct hashes the count is exact (collisions aside). */
const EXACT_UP_TO = 10_000;

export class DistinctSketch {
  readonly #registers = new Uint8Array(M);
  #exact: Set<number> | null = new Set();

  #add(h: number): void {
    if (this.#exact) {
      this.#exact.add(h);
      if (this.#exact.size > EXACT_UP_TO) this.#exact = null;
    }
    const w = h & (M - 1);
    const rank = w === 0 ? Q + 1 : Math.clz32(w) - P + 1;
    const i = h >>> Q;
    if (rank > this.#registers[i]!) this.#registers[i] = rank;
  }

  /** Adds the non-null values of the first `n` rows of `col`. */
  addColumn(col: ColumnVector, n: number): void {
    const { values, valid, field } = col;
    const kind = field.type.kind;
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
      for (let i = 0; i < n; i++) {
        if (!valid || valid[i]) {
          this.#add(mix64(words[2 * i]!, words[2 * i + 1]!));
        }
      }
    } else if (ArrayBuffer.isView(values) && !(values instanceof DataView)) {
      const a = values as ArrayLike<number>;
      for (let i = 0; i < n; i++) {
        if (!valid || valid[i]) this.#add(hashNumber(a[i]!));
      }
    } else if (kind === "string") {
      const a = values as string[];
      for (let i = 0; i < n; i++) {
        if (!valid || valid[i]) this.#add(hashText(a[i]!));
      }
    } else {
      // Decimals, binary and nested values: their JSON text is canonical.
      const text = columnJson(col, n);
      for (let i = 0; i < n; i++) {
        if (!valid || valid[i]) this.#add(hashText(text[i]!));
      }
    }
  }

  /**
   * Ertl's improved raw estimator ("New cardinality estimation algorithms
   * for HyperLogLog sketches", 2017): no bias tables, accurate from zero up.
   */
  estimate(): number {
    if (this.#exact) return this.#exact.size;
    const c = new Array<number>(Q + 2).fill(0);
    for (const r of this.#registers) c[r]!++;
    let z = M * tau(1 - c[Q + 1]! / M);
    for (let k = Q; k >= 1; k--) z = 0.5 * (z + c[k]!);
    z += M * sigma(c[0]! / M);
    return Math.round(M * M / (2 * Math.LN2 * z));
  }
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1, z = x, prev;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (z !== prev);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1, z = 1 - x, prev;
  do {
    x = Math.sqrt(x);
    prev = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
  } while (z !== prev);
  return z / 3;
}
