/**
 * group_by + aggregations and distinct over selected rows. Groups are keyed
 * by per-column value keys; the result is a small table of stored columns
 * that the caller orders and pages like any other.
 */
import { ApiError } from "../../query/errors.ts";
import type { PlanAggregation } from "../../query/types.ts";
import { encodeStrings, type StoredColumn } from "./columns.ts";
import { rowComparator, rowKey } from "./compare.ts";
import { gather } from "./gather.ts";

export interface Grouped {
  size: number;
  /** Output columns by name: group columns (one representative row each) and aggregates. */
  columns: Map<string, StoredColumn>;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Assigns each selected row a group id; returns ids and the first row of each group. */
function assign(
  rows: ArrayLike<number>,
  keys: StoredColumn[],
): { ids: Int32Array; first: number[] } {
  const fns = keys.map((k) => ({ key: rowKey(k), valid: k.valid }));
  const ids = new Int32Array(rows.length);
  const first: number[] = [];
  const map = new Map<unknown, number>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    let k: unknown;
    if (fns.length === 1) {
      const f = fns[0]!;
      k = f.valid && !f.valid[r] ? null : f.key(r);
    } else {
      k = fns.map((f) =>
        f.valid && !f.valid[r] ? "∅" : typeof f.key(r) + ":" + String(f.key(r))
      ).join("\u0001");
    }
    let g = map.get(k);
    if (g === undefined) {
      g = first.length;
      map.set(k, g);
      first.push(r);
    }
    ids[i] = g;
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

function aggregate(
  a: PlanAggregation,
  col: StoredColumn | null,
  rows: ArrayLike<number>,
  ids: Int32Array,
  groups: number,
): StoredColumn {
  const field = { name: a.alias, type: a.type, nullable: a.op !== "count" };
  const valid = col?.valid ?? null;
  const live = (r: number) => !valid || valid[r] === 1;
  if (a.op === "count") {
    const counts = new BigInt64Array(groups);
    const n = new Float64Array(groups);
    for (let i = 0; i < rows.length; i++) {
      if (col === null || live(rows[i]!)) n[ids[i]!]!++;
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
      if (!live(r)) continue;
      const g = ids[i]!;
      if (best[g]! < 0 || cmp(r, best[g]!) * sign > 0) best[g] = r;
    }
    const out = gather(c, best, field);
    return t.kind === "string"
      ? encodeStrings(field, out.values as string[], out.valid, groups)
      : stored(field, out.values, out.valid);
  }
  // sum / avg
  const valid2 = new Uint8Array(groups);
  const counts = new Float64Array(groups);
  if (t.kind === "float") {
    const sums = new Float64Array(groups);
    const x = c.values as Float64Array;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (!live(r)) continue;
      sums[ids[i]!]! += x[r]!;
      counts[ids[i]!]!++;
      seen[ids[i]!] = 1;
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
      if (!live(r)) continue;
      acc[ids[i]!]! += x[r] as number;
      counts[ids[i]!]!++;
      seen[ids[i]!] = 1;
    }
    if (acc.every((v) => Math.abs(v) < 2 ** 53)) {
      sums = Array.from(acc, (v) => BigInt(v));
    } else counts.fill(0);
  }
  if (sums === null) {
    sums = new Array(groups).fill(0n);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (!live(r)) continue;
      const g = ids[i]!;
      sums[g] = sums[g]! + BigInt(x[r]!);
      counts[g]!++;
      seen[g] = 1;
    }
  }
  for (let g = 0; g < groups; g++) valid2[g] = seen[g]!;
  if (a.op === "avg") {
    const scale = t.kind === "decimal" ? 10 ** t.scale : 1;
    return stored(
      field,
      Float64Array.from(sums, (s, g) => Number(s) / counts[g]! / scale),
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
  for (const k of keys) {
    const g = gather(k, first);
    // Keep the dictionary so grouped strings sort by UTF-8 rank.
    if (k.dict) {
      const codes = Int32Array.from(first, (r) => (k.values as Int32Array)[r]!);
      columns.set(k.field.name, {
        field: k.field,
        values: codes,
        valid: g.valid,
        dict: k.dict,
        rank: k.rank,
      });
    } else {columns.set(k.field.name, {
        field: k.field,
        values: g.values,
        valid: g.valid,
      });}
  }
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
