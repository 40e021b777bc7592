/**
 * Ordering of selected rows by several keys, nulls last in both directions,
 * ties in source order. When only the first rows of a large selection are
 * needed, a bounded heap keeps them (top-k) instead of sorting everything.
 */
import type { StoredColumn } from "./columns.ts";
import { rowComparator } from "./compare.ts";

export interface SortKey {
  col: StoredColumn;
  desc: boolean;
}

/** A total order over row ids: the keys, then the row id itself. */
export function comparator(keys: SortKey[]): (a: number, b: number) => number {
  const parts = keys.map((k) => ({
    cmp: rowComparator(k.col),
    valid: k.col.valid,
    sign: k.desc ? -1 : 1,
  }));
  return (a, b) => {
    for (const p of parts) {
      if (p.valid) {
        const na = p.valid[a] === 0, nb = p.valid[b] === 0;
        if (na || nb) {
          if (na && nb) continue;
          return na ? 1 : -1;
        }
      }
      const c = p.cmp(a, b);
      if (c !== 0) return c * p.sign;
    }
    return a - b;
  };
}

/** The first `limit` rows of `rows` in comparator order. */
export function topRows(
  rows: Int32Array,
  limit: number,
  cmp: (a: number, b: number) => number,
): Int32Array {
  if (limit <= 0) return new Int32Array(0);
  if (limit * 8 >= rows.length) {
    return rows.slice().sort(cmp).subarray(0, limit);
  }
  // Max-heap of the best `limit` rows seen so far.
  const heap = new Int32Array(limit);
  let size = 0;
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (cmp(heap[i]!, heap[p]!) <= 0) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < size && cmp(heap[l]!, heap[m]!) > 0) m = l;
      if (r < size && cmp(heap[r]!, heap[m]!) > 0) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (size < limit) {
      heap[size++] = r;
      up(size - 1);
    } else if (cmp(r, heap[0]!) < 0) {
      heap[0] = r;
      down(0);
    }
  }
  return heap.subarray(0, size).sort(cmp);
}
