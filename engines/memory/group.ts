/**
 * group_by + aggregations and distinct over selected rows. Groups are keyed
 * by per-column value keys; the result is a small table of stored columns
 * that the caller orders and pages like any other.
 */
import { ApiError } from "../../data/errors.ts";
import { duckAverage } from "./average.ts";
import type { PlanAggregation } from "../../query/types.ts";
import { type StoredColumn, utf8Of } from "./columns.ts";
import { rowComparator, rowKey } from "./compare.ts";
import { gather } from "./gather.ts";
import { gatherUtf8, utf8Ids } from "./utf8.ts";

export interface Grouped {
  size: number;
  /** Output columns by name: group columns (one representative row each) and aggregates. */
  columns: Map<string, StoredColumn>;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Beyond this many slots a direct lookup table costs more than a Map. */
const MAX_TABLE = 1 << 22;

/**
 * Group ids take 4 bytes a selected row: fresh for each query, 20M rows'
 * worth cost 220 ms of first-touch page faults against 9 ms of writes into
 * memory already touched (bench/README.md). Queries run one at a time on the
 * JS thread and ids never leave groupRows, so two buffers serve every query:
 * the running ids and the next key column's.
 */
const idBuffers = [new Int32Array(0), new Int32Array(0)];

function idBuffer(k: 0 | 1, n: number): Int32Array {
  if (idBuffers[k]!.length < n) idBuffers[k] = new Int32Array(n);
  return idBuffers[k]!.subarray(0, n);
}

/**
 * Dense ids of one key column over the selected rows, numbered in order of
 * first appearance, nulls one id of their own, in id buffer `k`. Dictionary
 * codes, booleans and narrow integer ranges go through a lookup table, other
 * strings through a hash of their bytes, other values through a Map.
 */
function columnIds(
  rows: ArrayLike<number>,
  col: StoredColumn,
  k: 0 | 1,
): { ids: Int32Array; size: number } {
  const n = rows.length;
  const ids = idBuffer(k, n);
  const valid = col.valid;
  const t = col.field.type;
  // Slots first, each type in its own loop; then one loop numbers them.
  let slots = -1;
  const u = utf8Of(col);
  if (u) {
    const hashed = utf8Ids(u, valid, rows, Number.MAX_SAFE_INTEGER)!;
    ids.set(hashed.ids);
    slots = hashed.first.length;
  } else if (col.dict) {
    const codes = col.values as Int32Array;
    for (let i = 0; i < n; i++) ids[i] = codes[rows[i]!]!;
    slots = col.dict.length;
  } else if (
    t.kind === "bool" || t.kind === "date" ||
    (t.kind === "int" && t.bits <= 32)
  ) {
    const v = col.values as Int32Array;
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = v[rows[i]!]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    if (n > 0 && hi - lo < MAX_TABLE) {
      for (let i = 0; i < n; i++) ids[i] = v[rows[i]!]! - lo;
      slots = hi - lo + 1;
    }
  }
  let size = 0;
  if (slots >= 0) {
    // The last slot holds the null group.
    if (valid) {
      for (let i = 0; i < n; i++) if (valid[rows[i]!] === 0) ids[i] = slots;
    }
    const table = new Int32Array(slots + 1).fill(-1);
    for (let i = 0; i < n; i++) {
      const s = ids[i]!;
      let g = table[s]!;
      if (g < 0) table[s] = g = size++;
      ids[i] = g;
    }
    return { ids, size };
  }
  const key = rowKey(col);
  const map = new Map<unknown, number>();
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const k = valid && !valid[r] ? null : key(r);
    let g = map.get(k);
    if (g === undefined) map.set(k, g = size++);
    ids[i] = g;
  }
  return { ids, size };
}

/**
 * Assigns each selected row a group id (in order of first appearance) by
 * combining the key columns' dense ids pairwise; returns the ids and the
 * first row of each group.
 */
function assign(
  rows: ArrayLike<number>,
  keys: StoredColumn[],
): { ids: Int32Array; first: Int32Array } {
  const n = rows.length;
  let { ids, size } = keys.length === 0
    ? { ids: idBuffer(0, n).fill(0), size: n > 0 ? 1 : 0 }
    : columnIds(rows, keys[0]!, 0);
  for (const k of keys.slice(1)) {
    const next = columnIds(rows, k, 1);
    const width = next.size;
    let combined = 0;
    if (size * width <= MAX_TABLE) {
      const table = new Int32Array(size * width).fill(-1);
      for (let i = 0; i < n; i++) {
        const s = ids[i]! * width + next.ids[i]!;
        let g = table[s]!;
        if (g < 0) table[s] = g = combined++;
        ids[i] = g;
      }
    } else {
      const map = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const s = ids[i]! * width + next.ids[i]!;
        let g = map.get(s);
        if (g === undefined) map.set(s, g = combined++);
        ids[i] = g;
      }
    }
    size = combined;
  }
  const first = new Int32Array(size).fill(-1);
  for (let i = 0; i < n; i++) {
    const g = ids[i]!;
    if (first[g]! < 0) first[g] = rows[i]!;
  }
  return { ids, first };
}

function stored(
  field: StoredColumn["field"],
  values: StoredColumn["values"],
  valid: Uint8Array | null,
): StoredColumn {
  return { field, values, valid };
}

/**
 * The values of `col` at `rows` (-1: null) as a stored column: strings keep
 * their dictionary or stay bytes, so the result sorts as the source does.
 */
function pick(
  col: StoredColumn,
  rows: Int32Array,
  field: StoredColumn["field"],
): StoredColumn {
  const g = gather(col, rows, field);
  if (col.dict) {
    const codes = col.values as Int32Array;
    return {
      field,
      values: Int32Array.from(rows, (r) => r >= 0 ? codes[r]! : -1),
      valid: g.valid,
      dict: col.dict,
    };
  }
  const u = utf8Of(col);
  return stored(field, u ? gatherUtf8(u, rows) : g.values, g.valid);
}

function aggregate(
  a: PlanAggregation,
  col: StoredColumn | null,
  rows: ArrayLike<number>,
  ids: Int32Array,
  groups: number,
): StoredColumn {
  const field = { name: a.alias, type: a.type, nullable: a.op !== "count" };
  const valid = col?.valid ?? null;
  if (a.op === "count") {
    const counts = new BigInt64Array(groups);
    const n = new Float64Array(groups);
    if (valid === null) {
      for (let i = 0; i < ids.length; i++) n[ids[i]!]!++;
    } else {
      for (let i = 0; i < ids.length; i++) {
        if (valid[rows[i]!] === 1) n[ids[i]!]!++;
      }
    }
    for (let g = 0; g < groups; g++) counts[g] = BigInt(n[g]!);
    return stored(field, counts, null);
  }
  const c = col!;
  const t = c.field.type;
  const seen = new Uint8Array(groups);
  if (a.op === "min" || a.op === "max") {
    const best = new Int32Array(groups).fill(-1);
    const cmp = rowComparator(c);
    const sign = a.op === "min" ? -1 : 1;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (valid !== null && valid[r] === 0) continue;
      const g = ids[i]!;
      if (best[g]! < 0 || cmp(r, best[g]!) * sign > 0) best[g] = r;
    }
    return pick(c, best, field);
  }
  // sum / avg
  const valid2 = new Uint8Array(groups);
  const counts = new Float64Array(groups);
  if (t.kind === "float") {
    const sums = new Float64Array(groups);
    const x = c.values as Float64Array;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (valid !== null && valid[r] === 0) continue;
      const g = ids[i]!;
      sums[g]! += x[r]!;
      counts[g]!++;
      seen[g] = 1;
    }
    if (a.op === "avg") {
      for (let g = 0; g < groups; g++) sums[g] = sums[g]! / counts[g]!;
    }
    for (let g = 0; g < groups; g++) valid2[g] = seen[g]!;
    return stored(field, sums, valid2);
  }
  const x = c.values as ArrayLike<number | bigint>;
  let sums: bigint[] | null = null;
  if (t.kind === "int" && t.bits <= 32) {
    // Float64 sums of 32-bit values are exact while they stay below 2^53.
    const acc = new Float64Array(groups);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (valid !== null && valid[r] === 0) continue;
      const g = ids[i]!;
      acc[g]! += x[r] as number;
      counts[g]!++;
      seen[g] = 1;
    }
    if (acc.every((v) => Math.abs(v) < 2 ** 53)) {
      sums = Array.from(acc, (v) => BigInt(v));
    } else counts.fill(0);
  }
  if (sums === null) {
    sums = new Array(groups).fill(0n);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (valid !== null && valid[r] === 0) continue;
      const g = ids[i]!;
      sums[g] = sums[g]! + BigInt(x[r]!);
      counts[g]!++;
      seen[g] = 1;
    }
  }
  for (let g = 0; g < groups; g++) valid2[g] = seen[g]!;
  if (a.op === "avg") {
    return stored(
      field,
      Float64Array.from(
        sums,
        (s, g) => counts[g]! > 0 ? duckAverage(s, counts[g]!, t) : 0,
      ),
      valid2,
    );
  }
  if (t.kind === "decimal") return stored(field, sums, valid2);
  const out = new BigInt64Array(groups);
  sums.forEach((s, g) => {
    if (s < INT64_MIN || s > INT64_MAX) {
      throw new ApiError(
        400,
        "query_failed",
        "the query could not be computed: numeric overflow",
      );
    }
    out[g] = s;
  });
  return stored(field, out, valid2);
}

/** Groups `rows` by `keys` and computes `aggs` per group. */
export function groupRows(
  rows: ArrayLike<number>,
  keys: StoredColumn[],
  aggs: PlanAggregation[],
  column: (name: string) => StoredColumn,
): Grouped {
  const { ids, first } = assign(rows, keys);
  const columns = new Map<string, StoredColumn>();
  for (const k of keys) columns.set(k.field.name, pick(k, first, k.field));
  for (const a of aggs) {
    columns.set(
      a.alias,
      aggregate(
        a,
        a.col === null ? null : column(a.col),
        rows,
        ids,
        first.length,
      ),
    );
  }
  return { size: first.length, columns };
}
