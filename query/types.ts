/**
 * The request as parsed from JSON and the validated plan that engines
 * execute: parse (JSON → QueryRequest) → validate (QueryRequest + Schema →
 * QueryPlan) → engine (QueryPlan → ResultBatch) → encode.
 */
import type { DataType, Field, Scalar } from "../data/types.ts";

export const OPS = [
  "eq",
  "neq",
  "gt",
  "gte",
  "lt",
  "lte",
  "like",
  "ilike",
  "in",
  "is_null",
  "is_not_null",
] as const;
export type Op = typeof OPS[number];

export const AGG_OPS = ["count", "sum", "avg", "min", "max"] as const;
export type AggOp = typeof AGG_OPS[number];

export type SortDir = "asc" | "desc";

/** A predicate as the client sent it; `val` is still raw JSON. */
export interface RequestPredicate {
  col: string;
  op: Op;
  val?: unknown;
}

export interface RequestOrderBy {
  col: string;
  dir: SortDir;
}

export interface RequestAggregation {
  col?: string;
  op: AggOp;
  alias?: string;
}

/** The query body after parsing: shapes checked, defaults filled, schema not consulted yet. */
export interface QueryRequest {
  columns: string[];
  predicates: RequestPredicate[];
  order_by: RequestOrderBy[];
  group_by: string[];
  aggregations: RequestAggregation[];
  distinct: boolean;
  limit: number | null;
  page: number;
  page_size: number;
  /** The dataset version the answer must come from (absent: the current one). */
  version?: number;
}

export interface CountRequest {
  predicates: RequestPredicate[];
  version?: number;
}

export type PlanPredicate =
  | { col: string; type: DataType; op: "is_null" | "is_not_null" }
  | {
    col: string;
    type: DataType;
    op: "eq" | "neq" | "gt" | "gte" | "lt" | "lte";
    value: Scalar;
  }
  | { col: string; type: DataType; op: "like" | "ilike"; pattern: string }
  | { col: string; type: DataType; op: "in"; values: Scalar[] };

export interface PlanAggregation {
  op: AggOp;
  /** null for `count` of rows. */
  col: string | null;
  alias: string;
  /** The output type: count → int64, sum(int) → int64, avg → float64. */
  type: DataType;
}

/** Sort key by output name (a source column for rows, a group column or alias when grouped). */
export interface PlanOrder {
  col: string;
  dir: SortDir;
}

/**
 * A validated query, ready for any engine. All names exist, all values are
 * typed, the page window is resolved. Engines return at most `take` rows
 * starting at `offset` in the defined order.
 */
export interface QueryPlan {
  /** rows: plain projection; distinct: unique projected rows; group: group_by + aggregations. */
  kind: "rows" | "distinct" | "group";
  /** Projected source columns (rows, distinct) or the group columns (group). */
  columns: string[];
  filters: PlanPredicate[];
  aggregations: PlanAggregation[];
  /**
   * The full sort order. For rows, ties keep source order (engines break ties
   * by row position). For distinct and group the validator has appended every
   * output key, so the order is total.
   */
  orderBy: PlanOrder[];
  offset: number;
  /** Rows to fetch: the page plus one extra row to learn `has_more`, capped by `limit`. */
  take: number;
  page: number;
  pageSize: number;
  /** Output columns in answer order. */
  output: Field[];
}
