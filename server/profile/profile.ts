/**
 * A column's profile, computed through the engine interface alone: a
 * count of nulls, one-row sorted queries for min and max, a group query for
 * the top values and one streamed scan of the column for the distinct
 * estimate and the histogram. Engines need nothing profile-specific, and
 * answer alike because they answer these plans alike.
 */
import type { Engine, LoadedDataset } from "../../engines/engine.ts";
import type { PlanPredicate, QueryPlan } from "../../query/types.ts";
import type { ColumnVector, DataType, Field } from "../../data/types.ts";
import { bins, hasHistogram } from "./bins.ts";
import { DistinctSketch } from "./distinct.ts";
import { BinCounter } from "./histogram.ts";

const TOP_VALUES = 10;

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
  const count = col === "count" ? "count_rows" : "count";
  const countField: Field = { name: count, type: INT64, nullable: false };
  const topValues = () =>
    engine.query(
      ds,
      plan("group", field, [notNull], {
        aggregations: [{ op: "count", col: null, alias: count, type: INT64 }],
        orderBy: [{ col: count, dir: "desc" }, { col, dir: "asc" }],
        take: TOP_VALUES,
        output: [field, countField],
      }),
      signal,
    );
  // Independent, so an engine with a connection pool runs them side by side.
  const [nulls, min, max, top] = await Promise.all([
    engine.count(ds, [{ col, type, op: "is_null" }], signal),
    sortable ? extreme("asc") : null,
    sortable ? extreme("desc") : null,
    sortable ? topValues() : {
      length: 0,
      columns: [emptyColumn(field), emptyColumn(countField)],
    },
  ]);

  let range: { lo: number | bigint; hi: number | bigint } | null = null;
  if (hasHistogram(type) && min && max) {
    range = type.kind === "float"
      ? await finiteRange(min, max, extreme)
      : { lo: first(min), hi: first(max) };
  }
  const binned = range ? bins(type, range.lo, range.hi) : null;

  // One pass over the column's values gives the distinct estimate and the
  // bin counts.
  const sketch = new DistinctSketch();
  const counter = binned ? new BinCounter(binned) : null;
  const scan = plan("rows", field, [notNull], {
    orderBy: [],
    take: Number.MAX_SAFE_INTEGER,
  });
  for await (const b of engine.stream(ds, scan, signal)) {
    sketch.addColumn(b.columns[0]!, b.length);
    counter?.addColumn(b.columns[0]!, b.length);
  }

  let histogram: ColumnProfile["histogram"] = null;
  if (binned && counter) {
    histogram = {
      bounds: { field, values: binned.bounds, valid: null },
      counts: counter.counts,
    };
  } else if (hasHistogram(type)) {
    // No finite non-null value: no range to bin.
    histogram = { bounds: emptyColumn(field), counts: [] };
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
