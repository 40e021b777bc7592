/**
 * Partition pruning: the files whose partition values can satisfy every
 * filter on a partition column. Both engines call this before reading, so a
 * pruned file is never opened.
 */
import type { PlanPredicate } from "../query/types.ts";
import type { Scalar } from "../data/types.ts";
import type { ResolvedSource, SourceFile } from "./types.ts";
import { compareScalars } from "./_compare.ts";
import { likeMatcher } from "../query/like.ts";

export function pruneFiles(
  source: ResolvedSource,
  filters: PlanPredicate[],
): SourceFile[] {
  const partition = new Set(source.partitionColumns.map((f) => f.name));
  const relevant = filters.filter((f) => partition.has(f.col));
  if (relevant.length === 0) return source.files;
  const tests = relevant.map((f) => ({ col: f.col, test: matcher(f) }));
  return source.files.filter((file) =>
    tests.every(({ col, test }) => test(file.partitionValues[col] ?? null))
  );
}

/** Whether a constant partition value satisfies one predicate (SQL semantics: null matches only is_null). */
function matcher(p: PlanPredicate): (v: Scalar | null) => boolean {
  switch (p.op) {
    case "is_null":
      return (v) => v === null;
    case "is_not_null":
      return (v) => v !== null;
    case "like":
    case "ilike": {
      const m = likeMatcher(p.pattern, p.op === "ilike");
      return (v) => v !== null && m(String(v));
    }
    case "in":
      return (v) =>
        v !== null && p.values.some((x) => compareScalars(v, x) === 0);
    default: {
      const want = {
        eq: (c: number) => c === 0,
        neq: (c: number) => c !== 0,
        gt: (c: number) => c > 0,
        gte: (c: number) => c >= 0,
        lt: (c: number) => c < 0,
        lte: (c: number) => c <= 0,
      }[p.op];
      return (v) => v !== null && want(compareScalars(v, p.value));
    }
  }
}
