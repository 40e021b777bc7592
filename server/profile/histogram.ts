/**
 * Counts a column's values into histogram bins as they stream past, with
 * the engines' order: NaN above every number (the last bin), -Infinity in
 * the first, nulls nowhere.
 */
import type { ColumnVector } from "../../data/types.ts";
import type { Bins } from "./bins.ts";

export class BinCounter {
  readonly counts: number[];
  readonly #cuts: (number | bigint)[];

  constructor(bins: Bins) {
    this.#cuts = bins.cuts;
    this.counts = new Array<number>(bins.cuts.length + 1).fill(0);
  }

  /** The bin of `v`: how many cuts lie at or below it. */
  #bin(v: number | bigint): number {
    if (v !== v) return this.#cuts.length; // NaN
    let lo = 0, hi = this.#cuts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#cuts[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds the non-null values of the first `n` rows of `col`. */
  addColumn(col: ColumnVector, n: number): void {
    const values = col.values as ArrayLike<number | bigint>;
    const valid = col.valid;
    for (let i = 0; i < n; i++) {
      if (!valid || valid[i]) this.counts[this.#bin(values[i]!)]!++;
    }
  }
}
