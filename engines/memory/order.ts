/**
 * Ordering of selected rows by several keys, nulls last in both directions,
 * ties in source order. When only the first rows of a large selection are
 * needed, a bounded heap keeps them (top-k) instead of sorting everything.
 */
import { type StoredColumn, utf8Of } from "./columns.ts";
import { rowComparator } from "./compare.ts";
import { utf8Bound } from "./utf8.ts";

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

// One scratch buffer for bounds: queries run one at a time on the JS thread.
let scratch = new Float64Array(0);

/**
 * For each of `rows`, a float that never decreases along the first key's
 * order (nulls last): a row whose bound is above the current k-th row's
 * cannot enter the top k, so most rows are dismissed by one comparison of
 * doubles. Each type has its own loop so every loop stays monomorphic. Null
 * when the column has no such cheap bound. Valid until the next call.
 */
export function orderBounds(
  key: SortKey,
  rows: Int32Array,
): Float64Array | null {
  const col = key.col;
  const t = col.field.type;
  const n = rows.length;
  if (scratch.length < n) scratch = new Float64Array(n);
  const out = scratch.subarray(0, n);
  // NaN sorts above every number: last ascending, first descending.
  const sign = key.desc ? -1 : 1;
  const nan = sign * Infinity;
  if (col.dict) {
    const codes = col.values as Int32Array;
    for (let i = 0; i < n; i++) out[i] = sign * codes[rows[i]!]!;
  } else if (
    (t.kind === "int" && t.bits === 64) || t.kind === "timestamp" ||
    t.kind === "time"
  ) {
    const x = col.values as BigInt64Array | BigUint64Array;
    const lo = new Uint32Array(x.buffer, x.byteOffset, x.length * 2);
    const hi = t.kind === "int" && !t.signed
      ? lo
      : new Int32Array(x.buffer, x.byteOffset, x.length * 2);
    // Rounding to a double is monotone, so the bound keeps the order.
    for (let i = 0; i < n; i++) {
      const r = rows[i]! * 2;
      out[i] = sign * (hi[r + 1]! * 4294967296 + lo[r]!);
    }
  } else if (t.kind === "float") {
    const x = col.values as Float64Array;
    for (let i = 0; i < n; i++) {
      const v = x[rows[i]!]!;
      out[i] = v !== v ? nan : sign * v;
    }
  } else if (t.kind === "int" || t.kind === "date" || t.kind === "bool") {
    const x = col.values as Int32Array;
    for (let i = 0; i < n; i++) out[i] = sign * x[rows[i]!]!;
  } else if (t.kind === "decimal") {
    const x = col.values as bigint[];
    for (let i = 0; i < n; i++) out[i] = sign * Number(x[rows[i]!]!);
  } else if (t.kind === "string") {
    const u = utf8Of(col)!;
    for (let i = 0; i < n; i++) out[i] = sign * utf8Bound(u, rows[i]!);
  } else return null;
  const valid = col.valid;
  if (valid) {
    for (let i = 0; i < n; i++) if (valid[rows[i]!] === 0) out[i] = Infinity;
  }
  return out;
}

/**
 * The first `limit` rows of `rows` in comparator order; `bounds`, when
 * given, are orderBounds of the comparator's first key for `rows`.
 */
export function topRows(
  rows: Int32Array,
  limit: number,
  cmp: (a: number, b: number) => number,
  bounds: Float64Array | null = null,
): Int32Array {
  if (limit <= 0) return new Int32Array(0);
  if (limit * 8 >= rows.length) {
    return rows.slice().sort(cmp).subarray(0, limit);
  }
  // Max-heap of the positions (in `rows`) of the best rows seen so far.
  const heap = new Int32Array(limit);
  let size = 0;
  const worse = (a: number, b: number) => cmp(rows[a]!, rows[b]!) > 0;
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < size && worse(heap[l]!, heap[m]!)) m = l;
      if (r < size && worse(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  const n = rows.length;
  for (; size < limit; size++) {
    heap[size] = size;
    up(size);
  }
  if (bounds) {
    let worst = bounds[heap[0]!]!;
    for (let i = limit; i < n; i++) {
      if (bounds[i]! > worst || !worse(heap[0]!, i)) continue;
      heap[0] = i;
      down(0);
      worst = bounds[heap[0]!]!;
    }
  } else {
    for (let i = limit; i < n; i++) {
      if (!worse(heap[0]!, i)) continue;
      heap[0] = i;
      down(0);
    }
  }
  return Int32Array.from(heap.subarray(0, size), (i) => rows[i]!).sort(cmp);
}
