/**
 * The explorer's query and its round trip through the URL. Paging is not
 * part of it: the grid fetches pages as it scrolls.
 */
import type { Op, QueryBody } from "../client/mod.ts";

export interface PredicateRow {
  col: string;
  op: Op;
  val: string;
}

export const AGG_OPS = ["count", "sum", "avg", "min", "max"] as const;

export interface AggRow {
  op: typeof AGG_OPS[number];
  /** Empty for `count` of rows. */
  col: string;
  alias: string;
}

export interface OrderRow {
  col: string;
  dir: "asc" | "desc";
}

/** The column an aggregation answers with: its alias, else API.md's default. */
export function aggOutputName(a: AggRow): string {
  return a.alias || (a.col ? `${a.op}_${a.col}` : a.op);
}

export interface UiState {
  dataset: string;
  /** The columns shown, in order; empty for every column. */
  columns: string[];
  predicates: PredicateRow[];
  orderBy: OrderRow[];
  groupBy: string[];
  aggregations: AggRow[];
  distinct: boolean;
  limit: string;
}

export function emptyState(dataset = ""): UiState {
  return {
    dataset,
    columns: [],
    predicates: [],
    orderBy: [],
    groupBy: [],
    aggregations: [],
    distinct: false,
    limit: "",
  };
}

/** Ops that make sense for an API.md type name. */
export function opsFor(type: string): Op[] {
  if (type === "string") {
    return [
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
    ];
  }
  if (type === "binary" || type === "bool") {
    return ["eq", "neq", "in", "is_null", "is_not_null"];
  }
  if (/^(list|struct|map)</.test(type)) return ["is_null", "is_not_null"];
  return [
    "eq",
    "neq",
    "gt",
    "gte",
    "lt",
    "lte",
    "in",
    "is_null",
    "is_not_null",
  ];
}

/** The HTML input type for a column type. */
export function inputType(type: string): string {
  if (/^(u?int|float|decimal)/.test(type)) return "number";
  if (type === "date") return "date";
  if (type.startsWith("timestamp")) return "datetime-local";
  return "text";
}

function typedValue(type: string, raw: string): unknown {
  const t = raw.trim();
  if (type === "bool") return t === "true";
  if (/^(int64|uint64|decimal)/.test(type)) {
    return /^-?\d+$/.test(t) && Math.abs(Number(t)) <= Number.MAX_SAFE_INTEGER
      ? Number(t)
      : t;
  }
  if (/^(u?int|float)/.test(type)) {
    return t === "" ? t : Number.isNaN(Number(t)) ? t : Number(t);
  }
  if (
    type.startsWith("timestamp") && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(t)
  ) return `${t}:00`;
  return raw;
}

/** The request body the state describes, without paging. */
export function toBody(s: UiState, types: Record<string, string>): QueryBody {
  const body: QueryBody = {};
  if (s.groupBy.length > 0) {
    body.group_by = s.groupBy;
    body.aggregations = s.aggregations.map((a) => {
      const out: { op: AggRow["op"]; col?: string; alias?: string } = {
        op: a.op,
      };
      if (a.col) out.col = a.col;
      if (a.alias) out.alias = a.alias;
      return out;
    });
  } else {
    if (s.columns.length > 0) body.columns = s.columns;
    if (s.distinct) body.distinct = true;
  }
  if (s.predicates.length > 0) {
    body.predicates = s.predicates.map((p) => {
      const type = types[p.col] ?? "string";
      if (p.op === "is_null" || p.op === "is_not_null") {
        return { col: p.col, op: p.op };
      }
      if (p.op === "in") {
        return {
          col: p.col,
          op: p.op,
          val: p.val.split(",").map((v) => typedValue(type, v)),
        };
      }
      return { col: p.col, op: p.op, val: typedValue(type, p.val) };
    });
  }
  if (s.orderBy.length > 0) body.order_by = s.orderBy;
  if (s.limit.trim() !== "") body.limit = Number(s.limit);
  return body;
}

export function stateToHash(s: UiState): string {
  return "#" + new URLSearchParams({ q: JSON.stringify(s) }).toString();
}

export function stateFromHash(hash: string): UiState | null {
  const q = new URLSearchParams(hash.replace(/^#/, "")).get("q");
  if (!q) return null;
  try {
    const parsed = JSON.parse(q);
    const s = emptyState();
    // Only known keys: links from older versions carried paging.
    for (const k of Object.keys(s) as (keyof UiState)[]) {
      if (k in parsed) (s as unknown as Record<string, unknown>)[k] = parsed[k];
    }
    return s;
  } catch {
    return null;
  }
}

/** Whether sorting, grouping, min and max apply to a column of this type (API.md). */
export function orderable(type: string): boolean {
  return type !== "binary" && !/^(list|struct|map)</.test(type);
}

/**
 * The order after clicking a column's header: a click sorts by it alone
 * (ascending, then descending, then unsorted); with shift it adds or
 * cycles that key and keeps the others.
 */
export function nextOrder(
  orderBy: OrderRow[],
  col: string,
  add: boolean,
): OrderRow[] {
  const at = orderBy.findIndex((o) => o.col === col);
  const current = orderBy[at];
  const next: OrderRow | null = !current
    ? { col, dir: "asc" }
    : current.dir === "asc"
    ? { col, dir: "desc" }
    : null;
  if (!add) return next ? [next] : [];
  if (!current) return [...orderBy, next!];
  return next
    ? orderBy.map((o, i) => i === at ? next : o)
    : orderBy.filter((_, i) => i !== at);
}
