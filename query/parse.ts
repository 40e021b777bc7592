/**
 * JSON body → typed request. Checks shapes only (keys, types, ranges); the
 * schema is consulted later by `plan.ts`. Every failure is a 400 ApiError
 * whose `path` points into the body, so a typo never silently matches all.
 */
import { ApiError } from "../data/errors.ts";
import {
  AGG_OPS,
  type AggOp,
  type CountRequest,
  type Op,
  OPS,
  type QueryRequest,
  type RequestAggregation,
  type RequestOrderBy,
  type RequestPredicate,
} from "./types.ts";

/** Caps on list sizes: a request past these is a mistake or an attack. */
export const MAX_LIST = 1_000;
export const MAX_IN_VALUES = 10_000;
export const DEFAULT_PAGE_SIZE = 1000;

const QUERY_KEYS = [
  "columns",
  "predicates",
  "order_by",
  "group_by",
  "aggregations",
  "distinct",
  "limit",
  "page",
  "page_size",
  "version",
] as const;
const COUNT_KEYS = ["predicates", "version"] as const;

/** Parses a query body; throws ApiError(400) naming the offending path. */
export function parseQueryBody(body: unknown): QueryRequest {
  const obj = asObject(body, "", "the query body");
  checkKeys(obj, QUERY_KEYS, "");
  return {
    columns: stringList(obj.columns, "columns"),
    predicates: list(obj.predicates, "predicates", MAX_LIST).map(
      parsePredicate,
    ),
    order_by: list(obj.order_by, "order_by", MAX_LIST).map(parseOrderBy),
    group_by: stringList(obj.group_by, "group_by"),
    aggregations: list(obj.aggregations, "aggregations", MAX_LIST).map(
      parseAggregation,
    ),
    distinct: optionalBool(obj.distinct, "distinct") ?? false,
    limit: obj.limit === undefined || obj.limit === null
      ? null
      : integer(obj.limit, "limit", 0),
    page: obj.page === undefined ? 1 : integer(obj.page, "page", 1),
    page_size: obj.page_size === undefined
      ? DEFAULT_PAGE_SIZE
      : integer(obj.page_size, "page_size", 1),
    version: pinnedVersion(obj.version),
  };
}

/** `version` pins a request to a dataset version (API.md): absent, or a positive integer. */
function pinnedVersion(v: unknown): number | undefined {
  return v === undefined || v === null ? undefined : integer(v, "version", 1);
}

/** Parses a count body (`{}` or `{"predicates": [...]}`). */
export function parseCountBody(body: unknown): CountRequest {
  const obj = asObject(body, "", "the count body");
  checkKeys(obj, COUNT_KEYS, "");
  return {
    predicates: list(obj.predicates, "predicates", MAX_LIST).map(
      parsePredicate,
    ),
    version: pinnedVersion(obj.version),
  };
}

function parsePredicate(raw: unknown, i: number): RequestPredicate {
  const path = `predicates[${i}]`;
  const obj = asObject(raw, path, "a predicate");
  checkKeys(obj, ["col", "op", "val"], path);
  const col = nonEmptyString(obj.col, `${path}.col`);
  const op = oneOf<Op>(obj.op, OPS, `${path}.op`);
  const has = Object.hasOwn(obj, "val");
  if (op === "is_null" || op === "is_not_null") {
    if (has) {
      throw bad(`${path}.val`, `op "${op}" takes no val; remove "val"`);
    }
    return { col, op };
  }
  if (!has || obj.val === undefined) {
    throw bad(`${path}.val`, `op "${op}" needs a val`);
  }
  if (obj.val === null) {
    const hint = op === "eq"
      ? ' (use op "is_null")'
      : op === "neq"
      ? ' (use op "is_not_null")'
      : "";
    throw bad(`${path}.val`, `val must not be null for op "${op}"${hint}`);
  }
  if (op === "in") {
    const values = list(obj.val, `${path}.val`, MAX_IN_VALUES);
    if (values.length === 0) {
      throw bad(`${path}.val`, 'op "in" needs a non-empty array');
    }
    values.forEach((v, j) => {
      if (v === null || typeof v === "object") {
        throw bad(
          `${path}.val[${j}]`,
          "in values must be strings, numbers or booleans",
        );
      }
    });
    return { col, op, val: values };
  }
  if (typeof obj.val === "object") {
    throw bad(
      `${path}.val`,
      `val for op "${op}" must be a string, number or boolean`,
    );
  }
  if ((op === "like" || op === "ilike") && typeof obj.val !== "string") {
    throw bad(`${path}.val`, `op "${op}" takes a string pattern`);
  }
  return { col, op, val: obj.val };
}

function parseOrderBy(raw: unknown, i: number): RequestOrderBy {
  const path = `order_by[${i}]`;
  const obj = asObject(raw, path, "an order_by entry");
  checkKeys(obj, ["col", "dir"], path);
  return {
    col: nonEmptyString(obj.col, `${path}.col`),
    dir: obj.dir === undefined
      ? "asc"
      : oneOf(obj.dir, ["asc", "desc"] as const, `${path}.dir`),
  };
}

function parseAggregation(raw: unknown, i: number): RequestAggregation {
  const path = `aggregations[${i}]`;
  const obj = asObject(raw, path, "an aggregation");
  checkKeys(obj, ["col", "op", "alias"], path);
  const agg: RequestAggregation = {
    op: oneOf<AggOp>(obj.op, AGG_OPS, `${path}.op`),
  };
  if (obj.col !== undefined && obj.col !== null) {
    agg.col = nonEmptyString(obj.col, `${path}.col`);
  }
  if (obj.alias !== undefined && obj.alias !== null) {
    agg.alias = nonEmptyString(obj.alias, `${path}.alias`);
  }
  return agg;
}

function asObject(
  v: unknown,
  path: string,
  what: string,
): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw bad(path, `${what} must be a JSON object, got ${describe(v)}`);
  }
  return v as Record<string, unknown>;
}

function checkKeys(
  obj: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const near = closest(key, allowed);
    const hint = near ? ` (did you mean "${near}"?)` : "";
    throw new ApiError(
      400,
      "unknown_field",
      `unknown field "${key}"${hint}; allowed: ${allowed.join(", ")}`,
      path ? `${path}.${key}` : key,
    );
  }
}

function list(v: unknown, path: string, max: number): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    throw bad(path, `must be an array, got ${describe(v)}`);
  }
  if (v.length > max) {
    throw bad(path, `has ${v.length} entries; at most ${max} are allowed`);
  }
  return v;
}

function stringList(v: unknown, path: string): string[] {
  return list(v, path, MAX_LIST).map((s, i) =>
    nonEmptyString(s, `${path}[${i}]`)
  );
}

function nonEmptyString(v: unknown, path: string): string {
  if (typeof v !== "string" || v.length === 0) {
    throw bad(path, `must be a non-empty string, got ${describe(v)}`);
  }
  return v;
}

function optionalBool(v: unknown, path: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") {
    throw bad(path, `must be true or false, got ${describe(v)}`);
  }
  return v;
}

function integer(v: unknown, path: string, min: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
    throw bad(path, `must be an integer >= ${min}, got ${describe(v)}`);
  }
  return v;
}

function oneOf<T extends string>(
  v: unknown,
  allowed: readonly T[],
  path: string,
): T {
  if (typeof v !== "string" || !allowed.includes(v as T)) {
    const near = typeof v === "string" ? closest(v, allowed) : undefined;
    const hint = near ? ` (did you mean "${near}"?)` : "";
    throw bad(
      path,
      `must be one of ${allowed.join(", ")}, got ${describe(v)}${hint}`,
    );
  }
  return v as T;
}

function bad(path: string, message: string): ApiError {
  return new ApiError(
    400,
    "invalid_request",
    path ? `${path}: ${message}` : message,
    path,
  );
}

/** A short, safe rendering of a JSON value for error messages. */
export function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") {
    return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  }
  return `${typeof v} ${String(v)}`;
}

/** The allowed word nearest to `word` by edit distance, if it is a plausible typo. */
export function closest(
  word: string,
  allowed: readonly string[],
): string | undefined {
  if (word.length > 64) return undefined;
  let best: string | undefined;
  let bestDist = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const cand of allowed) {
    const d = editDistance(word.toLowerCase(), cand.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = cand;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        prev[j]! + 1,
        cur[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length]!;
}
