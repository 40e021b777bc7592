/**
 * Predicates over columns: indexed eq/in predicates pick candidate rows
 * through their indexes (intersected, smallest first); every other predicate
 * narrows a selection vector of row ids.
 */
import type { PlanPredicate } from "../../query/types.ts";
import { pruneFiles } from "../../sources/prune.ts";
import type { ResolvedSource } from "../../sources/types.ts";
import { likeMatcher } from "../../query/like.ts";
import { type StoredColumn, utf8Of } from "./columns.ts";
import { constComparator } from "./compare.ts";
import { utf8Text } from "./utf8.ts";
import { type EqIndex, intersect, lookup } from "./index.ts";

export interface Table {
  rows: number;
  columns: Map<string, StoredColumn>;
  indexes: Map<string, EqIndex>;
  /**
   * A partitioned source's files and where each file's rows start (rows are
   * stored file by file; `starts` has one more entry, the row count), so
   * partition predicates skip whole files before any row is looked at.
   */
  files?: { source: ResolvedSource; starts: Int32Array };
}

/** The rows of the files partition predicates keep, or null when none are skipped. */
function partitionRows(
  table: Table,
  filters: PlanPredicate[],
): Int32Array | null {
  if (!table.files) return null;
  const { source, starts } = table.files;
  const kept = pruneFiles(source, filters);
  if (kept.length === source.files.length) return null;
  const ranges = kept.map((f) => source.files.indexOf(f));
  let total = 0;
  for (const i of ranges) total += starts[i + 1]! - starts[i]!;
  const out = new Int32Array(total);
  let k = 0;
  for (const i of ranges) {
    for (let r = starts[i]!; r < starts[i + 1]!; r++) out[k++] = r;
  }
  return out;
}

/** A test for one non-null row, or null-aware for is_null/is_not_null. */
function rowTest(col: StoredColumn, p: PlanPredicate): (r: number) => boolean {
  const valid = col.valid;
  switch (p.op) {
    case "is_null":
      return valid ? (r) => valid[r] === 0 : () => false;
    case "is_not_null":
      return valid ? (r) => valid[r] === 1 : () => true;
    case "like":
    case "ilike": {
      const m = likeMatcher(p.pattern, p.op === "ilike");
      if (!col.dict) {
        const u = utf8Of(col)!;
        return (r) => (!valid || valid[r] === 1) && m(utf8Text(u, r));
      }
      // Each distinct string is matched once.
      const ok = Uint8Array.from(col.dict, (d) => m(d) ? 1 : 0);
      const codes = col.values as Int32Array;
      return (r) => codes[r]! >= 0 && ok[codes[r]!] === 1;
    }
    case "in": {
      const cmps = p.values.map((v) => constComparator(col, v));
      return (r) => (!valid || valid[r] === 1) && cmps.some((c) => c(r) === 0);
    }
    default: {
      const c = constComparator(col, p.value);
      const want = {
        eq: (x: number) => x === 0,
        neq: (x: number) => x !== 0,
        gt: (x: number) => x > 0,
        gte: (x: number) => x >= 0,
        lt: (x: number) => x < 0,
        lte: (x: number) => x <= 0,
      }[p.op];
      return (r) => (!valid || valid[r] === 1) && want(c(r));
    }
  }
}

/** Row ids matching every filter, ascending (source order); null = every row. */
export function select(
  table: Table,
  filters: PlanPredicate[],
): Int32Array | null {
  const indexed: Int32Array[] = [];
  const rest: PlanPredicate[] = [];
  for (const f of filters) {
    const idx = table.indexes.get(f.col);
    const col = table.columns.get(f.col)!;
    if (idx && f.op === "eq") indexed.push(lookup(idx, col, [f.value]));
    else if (idx && f.op === "in") indexed.push(lookup(idx, col, f.values));
    else rest.push(f);
  }
  // Exact like the filters themselves, which still run on the kept rows.
  let sel = partitionRows(table, filters);
  if (sel) indexed.push(sel);
  if (indexed.length > 0) {
    indexed.sort((a, b) => a.length - b.length);
    sel = indexed.reduce((a, b) => intersect(a, b));
  }
  for (const f of rest) {
    const test = rowTest(table.columns.get(f.col)!, f);
    if (sel === null) {
      const out = new Int32Array(table.rows);
      let k = 0;
      for (let r = 0; r < table.rows; r++) if (test(r)) out[k++] = r;
      sel = out.subarray(0, k);
    } else {
      const out = new Int32Array(sel.length);
      let k = 0;
      for (let i = 0; i < sel.length; i++) {
        if (test(sel[i]!)) out[k++] = sel[i]!;
      }
      sel = out.subarray(0, k);
    }
  }
  return sel;
}

/** How many rows match: O(1) without filters, index sizes for indexed eq/in only. */
export function countRows(table: Table, filters: PlanPredicate[]): number {
  const sel = select(table, filters);
  return sel === null ? table.rows : sel.length;
}
