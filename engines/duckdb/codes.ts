/**
 * Dictionary codes from DuckDB's 64-bit `hash()` of each value. A slice
 * reads `hash(col)` for a dictionary column and each hash is turned back
 * into its code here: casting the column to an ENUM instead made DuckDB's
 * share of reading the accidents file 1.4–2.5× that of reading it as text,
 * hash() 0.6–0.8× (8 fixed bytes a row, no string crosses node-api).
 */
import type { DuckDBVector } from "@duckdb/node-api";

/**
 * Dictionary codes, -1 at null rows: as narrow as the dictionary allows
 * (most dictionaries have under 128 or 32,768 values: 1 or 2 bytes a row
 * instead of 4).
 */
export type Codes = Int8Array | Int16Array | Int32Array;

/** An array for `rows` codes into a dictionary of `size` values. */
export function codesFor(size: number, rows: number): Codes {
  return size <= 2 ** 7
    ? new Int8Array(rows)
    : size <= 2 ** 15
    ? new Int16Array(rows)
    : new Int32Array(rows);
}

/** A slot no hash occupies. */
const EMPTY = -2;

/** hash → dictionary code (NULL's hash → -1), by open addressing. */
export class HashCodes {
  readonly #lo: Uint32Array;
  readonly #hi: Uint32Array;
  readonly #code: Int32Array;
  readonly #mask: number;
  /** Values in the dictionary. */
  readonly size: number;

  private constructor(size: number, values: number) {
    this.size = values;
    this.#lo = new Uint32Array(size);
    this.#hi = new Uint32Array(size);
    this.#code = new Int32Array(size).fill(EMPTY);
    this.#mask = size - 1;
  }

  /**
   * The table of a dictionary whose value i hashes to `hashes[i]`, with
   * `nullHash` (DuckDB's hash of NULL) standing for null; null when two of
   * them share a hash, as then a hash would not say which value it was.
   */
  static build(hashes: readonly bigint[], nullHash: bigint): HashCodes | null {
    let size = 1;
    while (size < 2 * (hashes.length + 1)) size *= 2;
    const t = new HashCodes(size, hashes.length);
    if (!t.#insert(nullHash, -1)) return null;
    for (let i = 0; i < hashes.length; i++) {
      if (!t.#insert(hashes[i]!, i)) return null;
    }
    return t;
  }

  /** Adds `hash` → `code`; false when the hash is already there. */
  #insert(hash: bigint, code: number): boolean {
    const lo = Number(hash & 0xffffffffn), hi = Number(hash >> 32n);
    // DuckDB's hashes are mixed: their low bits spread well as they are.
    let s = lo & this.#mask;
    for (; this.#code[s] !== EMPTY; s = (s + 1) & this.#mask) {
      if (this.#lo[s] === lo && this.#hi[s] === hi) return false;
    }
    this.#lo[s] = lo;
    this.#hi[s] = hi;
    this.#code[s] = code;
    return true;
  }

  /**
   * Writes the codes of `n` hashes (little-endian 64-bit, as two words
   * each) into `codes` at `at`; returns whether any was null. A hash
   * outside the dictionary means the source changed.
   */
  decode(words: Uint32Array, n: number, codes: Codes, at: number): boolean {
    const keysLo = this.#lo, keysHi = this.#hi, table = this.#code;
    const mask = this.#mask;
    let anyNull = false;
    for (let i = 0; i < n; i++) {
      const lo = words[2 * i]!, hi = words[2 * i + 1]!;
      let s = lo & mask;
      let code = table[s]!;
      while (code !== EMPTY && (keysLo[s] !== lo || keysHi[s] !== hi)) {
        s = (s + 1) & mask;
        code = table[s]!;
      }
      if (code === EMPTY) {
        throw new Error("the source changed while it was being read");
      }
      codes[at + i] = code;
      if (code < 0) anyNull = true;
    }
    return anyNull;
  }
}

/**
 * One dictionary column filled from `hash(col)` vectors: codes, -1 at null
 * rows. The hash vector has no nulls of its own, so its validity is never
 * read; the column's is made from the codes at the end, if it has a null.
 */
export class CodeSink {
  readonly #codes: Codes;
  #anyNull = false;

  constructor(rows: number, readonly table: HashCodes) {
    this.#codes = codesFor(table.size, rows);
  }

  append(vec: DuckDBVector, len: number, at: number): void {
    const items = (vec as unknown as { items: BigUint64Array }).items;
    const words = new Uint32Array(items.buffer, items.byteOffset, len * 2);
    if (this.table.decode(words, len, this.#codes, at)) this.#anyNull = true;
  }

  finish(): { values: Codes; valid: Uint8Array | null } {
    const codes = this.#codes;
    if (!this.#anyNull) return { values: codes, valid: null };
    const valid = new Uint8Array(codes.length);
    for (let r = 0; r < codes.length; r++) valid[r] = codes[r]! >= 0 ? 1 : 0;
    return { values: codes, valid };
  }
}
