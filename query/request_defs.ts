/**
 * The query and count bodies as data: every key, type, bound, default and
 * allowed word. parse.ts validates requests by walking these tables and
 * server/openapi.ts describes them from the same tables, so the validator
 * and the published document cannot disagree.
 */
import { AGG_OPS, type Op, OPS } from "./types.ts";

/** Caps on list sizes: a request past these is a mistake or an attack. */
export const MAX_LIST = 1_000;
export const MAX_IN_VALUES = 10_000;
export const DEFAULT_PAGE_SIZE = 1000;

interface Common {
  description: string;
  /** Absent (undefined) means this value. */
  default?: unknown;
  /** null counts as absent (JSON writers often send null for "unset"). */
  nullable?: true;
  /** Absent (or null when nullable) leaves the key out of the parsed request. */
  optional?: true;
}

/** A JSON value's definition. Strings are never empty. */
export type Def =
  | Common & { type: "string"; enum?: readonly string[] }
  | Common & { type: "integer"; minimum: number }
  | Common & { type: "boolean" }
  | Common & { type: "array"; items: Def; maxItems: number }
  | ObjectDef
  /** A predicate's `val`: its definition depends on `op` (VAL_BY_OP). */
  | Common & { type: "val" };

export interface ObjectDef extends Common {
  type: "object";
  /** How messages call it: "a predicate". */
  what: string;
  properties: Record<string, Def>;
}

/** A JSON string, number or boolean (a typed value is checked against the column later). */
export const SCALAR = {
  type: "scalar",
  description: "a string, number or boolean",
} as const;

/**
 * What `val` must be for each op: null = no `val` at all; SCALAR = one
 * string, number or boolean; a list (`in`); a string pattern (like).
 */
export const VAL_BY_OP: Record<
  Op,
  null | typeof SCALAR | { type: "array"; minItems: 1; maxItems: number } | {
    type: "string";
  }
> = {
  eq: SCALAR,
  neq: SCALAR,
  gt: SCALAR,
  gte: SCALAR,
  lt: SCALAR,
  lte: SCALAR,
  like: { type: "string" },
  ilike: { type: "string" },
  in: { type: "array", minItems: 1, maxItems: MAX_IN_VALUES },
  is_null: null,
  is_not_null: null,
};

const COLUMN: Def = { type: "string", description: "a column name" };

const list = (items: Def, description: string): Def => ({
  type: "array",
  items,
  maxItems: MAX_LIST,
  default: [],
  nullable: true,
  description,
});

export const PREDICATE: ObjectDef = {
  type: "object",
  what: "a predicate",
  description:
    "`{col, op, val}`. `val` must fit the column's type (numbers, ISO-8601 strings for dates and timestamps, booleans, base64 for binary, decimal strings for exact int64/decimal values); `like`/`ilike` take a pattern with `%`, `_` and `\\` escapes; `in` a non-empty array; `is_null`/`is_not_null` no `val`. `eq`/`neq` with null is refused: use `is_null`/`is_not_null`.",
  properties: {
    col: COLUMN,
    op: { type: "string", enum: OPS, description: "the comparison" },
    val: { type: "val", description: "the value to compare with" },
  },
};

const PREDICATES = list(PREDICATE, "rows must match every predicate (AND)");

const VERSION: Def = {
  type: "integer",
  minimum: 1,
  optional: true,
  nullable: true,
  description:
    "pins the request to this dataset version (the `version` of an earlier answer); 409 version_changed once the server no longer holds it",
};

export const ORDER_BY: ObjectDef = {
  type: "object",
  what: "an order_by entry",
  description: "a sort key; nulls sort last in both directions",
  properties: {
    col: {
      type: "string",
      description: "a column (or, when grouped, a group column or alias)",
    },
    dir: {
      type: "string",
      enum: ["asc", "desc"],
      default: "asc",
      description: "the direction",
    },
  },
};

export const AGGREGATION: ObjectDef = {
  type: "object",
  what: "an aggregation",
  description:
    "`count` without `col` counts rows, with `col` non-null values; `sum avg min max` need `col`. The output column is `alias`, by default `{op}_{col}` (`count` for a row count).",
  properties: {
    col: { ...COLUMN, optional: true, nullable: true },
    op: { type: "string", enum: AGG_OPS, description: "the aggregate" },
    alias: {
      type: "string",
      optional: true,
      nullable: true,
      description: "the output column's name",
    },
  },
};

/** POST .../query (and GET ?q=). */
export const QUERY_BODY: ObjectDef = {
  type: "object",
  what: "the query body",
  description:
    "A query: filter, project, sort, group or deduplicate, and page. Unknown keys are refused.",
  properties: {
    columns: list(COLUMN, "the columns to return (all when empty)"),
    predicates: PREDICATES,
    order_by: list(ORDER_BY, "the sort keys, in order"),
    group_by: list(COLUMN, "group by these columns (needs aggregations)"),
    aggregations: list(AGGREGATION, "aggregates per group"),
    distinct: {
      type: "boolean",
      default: false,
      nullable: true,
      description: "unique rows of `columns`",
    },
    limit: {
      type: "integer",
      minimum: 0,
      default: null,
      nullable: true,
      description:
        "caps the rows across all pages (and of an export); null = no cap",
    },
    page: {
      type: "integer",
      minimum: 1,
      default: 1,
      description: "1-based page number; a page past the end is empty",
    },
    page_size: {
      type: "integer",
      minimum: 1,
      default: DEFAULT_PAGE_SIZE,
      description:
        "rows per page; above max_page_size it is clamped (the answer says the clamped value)",
    },
    version: VERSION,
  },
};

/** POST .../count (and GET ?q=). */
export const COUNT_BODY: ObjectDef = {
  type: "object",
  what: "the count body",
  description: "The rows matching `predicates` (`{}` counts every row).",
  properties: { predicates: PREDICATES, version: VERSION },
};
