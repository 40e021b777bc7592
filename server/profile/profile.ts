/**
 * A column's profile, computed through the engine interface alone: counts
 * with predicates, one-row sorted queries for min and max, a group query for
 * the top values and a streamed scan for the distinct estimate. Engines
 * need nothing profile-specific, and answer alike because they answer these
 * plans alike.
 */
import type { Engine, LoadedDataset } from "../../engines/engine.ts";
import type { PlanPredicate, QueryPlan } from "../../query/types.ts";
import type { ColumnVector, DataType, Field } from "../../data/types.ts";
import { type Bins, bins, hasHistogram } from "./bins.ts";
import { DistinctSketch } from "./distinct.ts";

export const TOP_VALUES = 10;

const INT64: DataType = { kind: "int", bits: 64, signed: true };

export interface ColumnProfile {
  field: Field;
  rows: number;
  nulls: number;
  distinctApprox: number;
  /** One-value columns; null where the column has no non-null value or no order. */
  min: ColumnVector | null;
  max: ColumnVector | null;
  top: { values: ColumnVector; counts: ColumnVector; length: number };
  /** null for types without a histogram. */
  histogram: { bounds: ColumnVector; counts: number[] } | null;
}

/**
 * Binary and nested columns have no order (API.md refuses sorting and
 * grouping on them), so they get no min, max or top values.
 */
function orderable(t: DataType): boolean {
  return t.kind !== "binary" && t.kind !== "list" && t.kind !== "struct" &&
    t.kind !== "map";
}

function plan(
  kind: QueryPlan["kind"],
  field: Field,
  filters: PlanPredicate[],
  rest: Pick<QueryPlan, "orderBy" | "take"> & Partial<QueryPlan>,
): QueryPlan {
  return {
    kind,
    columns: [field.name],
    filters,
    aggregations: [],
    offset: 0,
    page: 1,
    pageSize: rest.take,
    output: [field],
    ...rest,
  };
}

export async function profileColumn(
  engine: Engine,
  ds: LoadedDataset,
  field: Field,
  signal: AbortSignal,
): Promise<ColumnProfile> {
  const col = field.name;
  const type = field.type;
  const notNull: PlanPredicate = { col, type, op: "is_not_null" };

  const nulls = await engine.count(ds, [{ col, type, op: "is_null" }], signal);
  const nonNull = ds.rows - nulls;

  /** The first non-null value in `dir` order among rows passing `extra`. */
  const extreme = async (dir: "asc" | "desc", extra: PlanPredicate[] = []) => {
    const b = await engine.query(
      ds,
      plan("rows", field, [notNull, ...extra], {
        orderBy: [{ col, dir }],
        take: 1,
      }),
      signal,
    );
    return b.length > 0 ? b.columns[0]! : null;
  };

  const sortable = orderable(type);
  const min = sortable ? await extreme("asc") : null;
  const max = sortable ? await extreme("desc") : null;

  const count = col === "count" ? "count_rows" : "count";
  const countField: Field = { name: count, type: INT64, nullable: false };
  const top = sortable
    ? await engine.query(
      ds,
      plan("group", field, [notNull], {
        aggregations: [{ op: "count", col: null, alias: count, type: INT64 }],
        orderBy: [{ col: count, dir: "desc" }, { col, dir: "asc" }],
        take: TOP_VALUES,
        output: [field, countField],
      }),
      signal,
    )
    : { length: 0, columns: [emptyColumn(field), emptyColumn(countField)] };

  const sketch = new DistinctSketch();
  const scan = plan("rows", field, [notNull], {
    orderBy: [],
    take: Number.MAX_SAFE_INTEGER,
  });
  for await (const b of engine.stream(ds, scan, signal)) {
    sketch.addColumn(b.columns[0]!, b.length);
  }

  let histogram: ColumnProfile["histogram"] = null;
  if (hasHistogram(type)) {
    const range = min && max && type.kind === "float"
      ? await finiteRange(min, max, extreme)
      : min && max
      ? { lo: first(min), hi: first(max) }
      : null;
    histogram = range
      ? await countBins(
        engine,
        ds,
        field,
        bins(type, range.lo, range.hi),
        nonNull,
        signal,
      )
      : { bounds: emptyColumn(field), counts: [] };
  }

  return {
    field,
    rows: ds.rows,
    nulls,
    distinctApprox: sketch.estimate(),
    min,
    max,
    top: {
      values: top.columns[0]!,
      counts: top.columns[1]!,
      length: top.length,
    },
    histogram,
  };
}

function first(c: ColumnVector): number | bigint {
  return (c.values as ArrayLike<number | bigint>)[0]!;
}

function emptyColumn(field: Field): ColumnVector {
  return { field, values: [], valid: null };
}

/**
 * Float bins span the finite values; -Infinity then falls in the first bin
 * and +Infinity and NaN (which sorts above every number) in the last, so
 * every non-null row is still counted. null when no value is finite.
 */
async function finiteRange(
  min: ColumnVector,
  max: ColumnVector,
  extreme: (
    dir: "asc" | "desc",
    extra: PlanPredicate[],
  ) => Promise<ColumnVector | null>,
): Promise<{ lo: number; hi: number } | null> {
  const { name: col, type } = min.field;
  let lo = first(min) as number;
  let hi = first(max) as number;
  if (lo === -Infinity) {
    const c = await extreme("asc", [{ col, type, op: "gt", value: -Infinity }]);
    lo = c ? first(c) as number : NaN;
  }
  if (!Number.isFinite(hi)) {
    const c = await extreme("desc", [{ col, type, op: "lt", value: Infinity }]);
    hi = c ? first(c) as number : NaN;
  }
  return Number.isFinite(lo) && Number.isFinite(hi) ? { lo, hi } : null;
}

/** Bin counts from the rows below each inner edge. */
async function countBins(
  engine: Engine,
  ds: LoadedDataset,
  field: Field,
  b: Bins,
  nonNull: number,
  signal: AbortSignal,
): Promise<{ bounds: ColumnVector; counts: number[] }> {
  const { name: col, type } = field;
  const below = [0];
  for (const value of b.edges) {
    below.push(
      await engine.count(ds, [{ col, type, op: "lt", value }], signal),
    );
  }
  below.push(nonNull);
  const counts = below.slice(1).map((n, k) => n - below[k]!);
  return { bounds: { field, values: b.bounds, valid: null }, counts };
}
