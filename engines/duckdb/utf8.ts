/**
 * VARCHAR vectors copied into Arrow's utf8 layout (one byte array, Int32
 * offsets) without a JS string per value: a column of millions of strings
 * stays two typed arrays, which the garbage collector never walks.
 */
import { DuckDBBlobVector, type DuckDBVector } from "@duckdb/node-api";
import type { VectorValidity } from "./read.ts";

/** Strings as UTF-8 bytes: row i is `bytes[offsets[i]..offsets[i + 1]]` (empty at null rows). */
export interface Utf8Column {
  readonly bytes: Uint8Array;
  /** One more entry than rows. */
  readonly offsets: Int32Array;
}

/** The most bytes Int32 offsets can address. */
export const MAX_UTF8_BYTES = 2 ** 31 - 1;

// node-api copies the bytes a string_t points to (getItemBytes); pointing
// this one rewritten string_t at a run of strings that lie back to back in
// DuckDB's string heap copies the whole run in one native call.
const cell = new DataView(new ArrayBuffer(16));
const pointed = new DuckDBBlobVector(
  cell,
  { itemValid: () => true } as unknown as ConstructorParameters<
    typeof DuckDBBlobVector
  >[1],
  null as unknown as ConstructorParameters<typeof DuckDBBlobVector>[2],
  0,
  1,
);

/** `len` bytes from DuckDB's memory at the pointer held in `words[w]` (low) and `words[w + 1]`. */
function copyPointed(words: Uint32Array, w: number, len: number): Uint8Array {
  cell.setUint32(0, len, true);
  cell.setUint32(8, words[w]!, true);
  cell.setUint32(12, words[w + 1]!, true);
  return pointed.getItemBytes(0)!;
}

/** One string column filled vector by vector into bytes preallocated from the column's known total. */
export class Utf8Sink {
  readonly #bytes: Uint8Array;
  readonly #offsets: Int32Array;
  #pos = 0;

  constructor(rows: number, totalBytes: number) {
    if (totalBytes > MAX_UTF8_BYTES) {
      throw new Error(
        `a text column holds ${totalBytes} bytes, over the ${MAX_UTF8_BYTES} one column can hold in memory`,
      );
    }
    this.#bytes = new Uint8Array(totalBytes);
    this.#offsets = new Int32Array(rows + 1);
  }

  /**
   * Appends `n` entries of a VARCHAR vector at row `at`; entry i's validity
   * is `valid[base + i]`. DuckDB keeps strings of up to 12 bytes inside the
   * 16-byte string_t (length, then the bytes); longer ones as length,
   * prefix and pointer.
   */
  append(
    vec: DuckDBVector,
    n: number,
    { valid, base }: VectorValidity,
    at: number,
  ): void {
    const dv = (vec as unknown as { dataView: DataView }).dataView;
    const words = new Uint32Array(dv.buffer, dv.byteOffset, n * 4);
    const entries = new Uint8Array(dv.buffer, dv.byteOffset, n * 16);
    const out = this.#bytes;
    const offsets = this.#offsets;
    let pos = this.#pos;
    let i = 0;
    while (i < n) {
      offsets[at + i] = pos;
      const len = valid[base + i] ? words[i * 4]! : 0;
      if (pos + len > out.length) {
        throw new Error("the source changed while it was being read");
      }
      if (len <= 12) {
        const from = i * 16 + 4;
        for (let k = 0; k < len; k++) out[pos + k] = entries[from + k]!;
        pos += len;
        i++;
        continue;
      }
      // The run of long strings that follow this one in memory.
      const hi = words[i * 4 + 3]!;
      let end = words[i * 4 + 2]! + len;
      let run = len;
      let j = i + 1;
      for (; j < n && valid[base + j]; j++) {
        const next = words[j * 4]!;
        if (
          next <= 12 || words[j * 4 + 2] !== end || words[j * 4 + 3] !== hi ||
          pos + run + next > out.length
        ) break;
        offsets[at + j] = pos + run;
        end += next;
        run += next;
      }
      out.set(copyPointed(words, i * 4 + 2, run), pos);
      pos += run;
      i = j;
    }
    this.#pos = pos;
  }

  finish(rows: number): Utf8Column {
    if (this.#pos !== this.#bytes.length) {
      throw new Error("the source changed while it was being read");
    }
    this.#offsets[rows] = this.#pos;
    return { bytes: this.#bytes, offsets: this.#offsets };
  }
}
