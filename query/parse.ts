/**
 * JSON body → typed request, by walking the definitions of
 * request_defs.ts (the same tables server/openapi.ts publishes). Checks
 * shapes only (keys, types, ranges); the schema is consulted later by
 * `plan.ts`. Every failure is a 400 ApiError whose `path` points into the
 * body, so a typo never silently matches all.
 */
import { ApiError } from "../data/errors.ts";
import {
  COUNT_BODY,
  type Def,
  type ObjectDef,
  PREDICATE,
  QUERY_BODY,
  VAL_BY_OP,
} from "./request_defs.ts";
import type { CountRequest, Op, QueryRequest } from "./types.ts";

export { DEFAULT_PAGE_SIZE, MAX_IN_VALUES, MAX_LIST } from "./request_defs.ts";

/** Parses a query body; throws ApiError(400) naming the offending path. */
export function parseQueryBody(body: unknown): QueryRequest {
  return parseObject(QUERY_BODY, body, "") as unknown as QueryRequest;
}

/** Parses a count body (`{}` or `{"predicates": [...]}`). */
export function parseCountBody(body: unknown): CountRequest {
  return parseObject(COUNT_BODY, body, "") as unknown as CountRequest;
}

const at = (path: string, key: string) => path ? `${path}.${key}` : key;

/** `raw` checked against an object definition, defaults filled in. */
function parseObject(
  def: ObjectDef,
  raw: unknown,
  path: string,
): Record<string, unknown> {
  const obj = asObject(raw, path, def.what);
  checkKeys(obj, Object.keys(def.properties), path);
  if (def === PREDICATE) return parsePredicate(obj, path);
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(def.properties)) {
    let v = obj[key];
    if (v === null && field.nullable) v = undefined;
    if (v === undefined) {
      if (field.optional) continue;
      if (field.default !== undefined) {
        out[key] = Array.isArray(field.default) ? [] : field.default;
        continue;
      }
    }
    out[key] = parseValue(field, v, at(path, key));
  }
  return out;
}

function parseValue(def: Def, v: unknown, path: string): unknown {
  switch (def.type) {
    case "string":
      return def.enum ? oneOf(v, def.enum, path) : nonEmptyString(v, path);
    case "integer":
      return integer(v, path, def.minimum);
    case "boolean":
      if (typeof v !== "boolean") {
        throw bad(path, `must be true or false, got ${describe(v)}`);
      }
      return v;
    case "array":
      return list(v, path, def.maxItems).map((x, i) =>
        parseValue(def.items, x, `${path}[${i}]`)
      );
    case "object":
      return parseObject(def, v, path);
    case "val":
      throw new Error("val is checked with its predicate's op");
  }
}

/** `{col, op, val}`: which `val` is allowed depends on `op` (VAL_BY_OP). */
function parsePredicate(
  obj: Record<string, unknown>,
  path: string,
): Record<string, unknown> {
  const col = parseValue(PREDICATE.properties.col!, obj.col, `${path}.col`);
  const op = parseValue(PREDICATE.properties.op!, obj.op, `${path}.op`) as Op;
  const want = VAL_BY_OP[op];
  const has = Object.hasOwn(obj, "val");
  if (want === null) {
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
  if (want.type === "array") {
    const values = list(obj.val, `${path}.val`, want.maxItems);
    if (values.length < want.minItems) {
      throw bad(`${path}.val`, `op "${op}" needs a non-empty array`);
    }
    values.forEach((v, j) => {
      if (v === null || typeof v === "object") {
        throw bad(
          `${path}.val[${j}]`,
          `${op} values must be strings, numbers or booleans`,
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
  if (want.type === "string" && typeof obj.val !== "string") {
    throw bad(`${path}.val`, `op "${op}" takes a string pattern`);
  }
  return { col, op, val: obj.val };
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

function nonEmptyString(v: unknown, path: string): string {
  if (typeof v !== "string" || v.length === 0) {
    throw bad(path, `must be a non-empty string, got ${describe(v)}`);
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
