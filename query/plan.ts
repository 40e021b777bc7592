/**
 * Typed request + dataset schema → QueryPlan. Pure: no I/O, no engine. Every
 * name is checked against the schema, every value converted to the column's
 * type, and the sort order made total for grouped and distinct answers so
 * pages are stable.
 */
import { ApiError } from "../data/errors.ts";
import { toScalar } from "./values.ts";
import type {
  CountRequest,
  PlanAggregation,
  PlanOrder,
  PlanPredicate,
  QueryPlan,
  QueryRequest,
  RequestAggregation,
  RequestPredicate,
} from "./types.ts";
import type { DataType, Field, Schema } from "../data/types.ts";

export interface PlanOptions {
  maxPageSize: number;
}

const INT64: DataType = { kind: "int", bits: 64, signed: true };
const FLOAT64: DataType = { kind: "float", bits: 64 };

/** Builds the plan for a query; throws ApiError(400) naming the offending path. */
export function planQuery(
  req: QueryRequest,
  schema: Schema,
  opts: PlanOptions,
): QueryPlan {
  const fields = fieldsByName(schema);
  const filters = planFilters(req.predicates, fields);
  const pageSize = Math.min(req.page_size, opts.maxPageSize);
  const offset = (req.page - 1) * pageSize;
  if (!Number.isSafeInteger(offset + pageSize + 1)) {
    throw new ApiError(
      400,
      "invalid_request",
      "page: page × page_size is too large",
      "page",
    );
  }
  const remaining = req.limit === null ? Infinity : req.limit - offset;
  const take = Math.max(0, Math.min(pageSize + 1, remaining));
  const window = { offset, take, page: req.page, pageSize };

  if (req.group_by.length > 0 || req.aggregations.length > 0) {
    return { ...planGroup(req, fields), filters, ...window };
  }
  const columns = req.columns.length > 0
    ? req.columns.map((c, i) => lookup(fields, c, `columns[${i}]`).name)
    : schema.fields.map((f) => f.name);
  checkUnique(columns, "columns");
  const output = columns.map((c) => fields.get(c)!);
  if (req.distinct) {
    output.forEach((f, i) => requireOrderable(f, `columns[${i}]`, "distinct"));
    const projected = new Map(output.map((f) => [f.name, f]));
    const orderBy = planOrder(req, projected, "a projected column");
    return {
      kind: "distinct",
      columns,
      filters,
      aggregations: [],
      orderBy: completeOrder(orderBy, columns),
      output,
      ...window,
    };
  }
  return {
    kind: "rows",
    columns,
    filters,
    aggregations: [],
    orderBy: planOrder(req, fields, "a column of the dataset"),
    output,
    ...window,
  };
}

/** Builds the filters of a count request. */
export function planCount(req: CountRequest, schema: Schema): PlanPredicate[] {
  return planFilters(req.predicates, fieldsByName(schema));
}

// A schema lives as long as its dataset version and is never mutated.
const byName = new WeakMap<Schema, Map<string, Field>>();

function fieldsByName(schema: Schema): Map<string, Field> {
  let m = byName.get(schema);
  if (!m) {
    m = new Map(schema.fields.map((f) => [f.name, f]));
    byName.set(schema, m);
  }
  return m;
}

/**
 * A stable text form of a request with defaults filled, for ETags: two
 * bodies that mean the same query give the same key.
 */
export function normalizedRequestKey(req: QueryRequest | CountRequest): string {
  return JSON.stringify(req);
}

function planGroup(
  req: QueryRequest,
  fields: Map<string, Field>,
): Omit<QueryPlan, "filters" | "offset" | "take" | "page" | "pageSize"> {
  if (req.distinct) {
    throw new ApiError(
      400,
      "invalid_request",
      "distinct: cannot be combined with group_by or aggregations",
      "distinct",
    );
  }
  if (req.group_by.length === 0) {
    throw new ApiError(
      400,
      "invalid_request",
      "aggregations: need group_by; add the columns to group by",
      "aggregations",
    );
  }
  const groups = req.group_by.map((c, i) => {
    const f = lookup(fields, c, `group_by[${i}]`);
    requireOrderable(f, `group_by[${i}]`, "group by");
    return f;
  });
  const aggregations = req.aggregations.map((a, i) =>
    planAggregation(a, fields, `aggregations[${i}]`)
  );
  const output: Field[] = [
    ...groups,
    ...aggregations.map((a) => ({
      name: a.alias,
      type: a.type,
      nullable: a.op !== "count",
    })),
  ];
  checkUnique(
    output.map((f) => f.name),
    "aggregations",
    "duplicate output name",
  );
  const byName = new Map(output.map((f) => [f.name, f]));
  const orderBy = planOrder(
    req,
    byName,
    "a group_by column or an aggregation alias",
  );
  return {
    kind: "group",
    columns: groups.map((f) => f.name),
    aggregations,
    orderBy: completeOrder(orderBy, groups.map((f) => f.name)),
    output,
  };
}

function planAggregation(
  a: RequestAggregation,
  fields: Map<string, Field>,
  path: string,
): PlanAggregation {
  if (a.col === undefined) {
    if (a.op !== "count") {
      throw new ApiError(
        400,
        "invalid_aggregation",
        `${path}.col: "${a.op}" needs a column`,
        `${path}.col`,
      );
    }
    return { op: "count", col: null, alias: a.alias ?? "count", type: INT64 };
  }
  const f = lookup(fields, a.col, `${path}.col`);
  const alias = a.alias ?? `${a.op}_${f.name}`;
  const t = f.type;
  const numeric = t.kind === "int" || t.kind === "float" ||
    t.kind === "decimal";
  switch (a.op) {
    case "count":
      return { op: "count", col: f.name, alias, type: INT64 };
    case "sum":
    case "avg": {
      if (!numeric) {
        throw new ApiError(
          400,
          "invalid_aggregation",
          `${path}.op: "${a.op}" needs a numeric column; "${f.name}" is ${t.kind}`,
          `${path}.op`,
        );
      }
      const type: DataType = a.op === "avg"
        ? FLOAT64
        : t.kind === "int"
        ? INT64
        : t.kind === "decimal"
        ? { kind: "decimal", precision: 38, scale: t.scale }
        : FLOAT64;
      return { op: a.op, col: f.name, alias, type };
    }
    case "min":
    case "max":
      requireOrderable(f, `${path}.col`, a.op);
      return { op: a.op, col: f.name, alias, type: t };
  }
}

function planFilters(
  preds: RequestPredicate[],
  fields: Map<string, Field>,
): PlanPredicate[] {
  return preds.map((p, i) => {
    const path = `predicates[${i}]`;
    const f = lookup(fields, p.col, `${path}.col`);
    const col = f.name;
    const type = f.type;
    switch (p.op) {
      case "is_null":
      case "is_not_null":
        return { col, type, op: p.op };
      case "like":
      case "ilike":
        if (type.kind !== "string") {
          throw unsupported(`${path}.op`, p.op, f);
        }
        return { col, type, op: p.op, pattern: p.val as string };
      case "in":
        if (!isScalarType(type)) throw unsupported(`${path}.op`, p.op, f);
        return {
          col,
          type,
          op: "in",
          values: (p.val as unknown[]).map((v, j) =>
            toScalar(v, type, `${path}.val[${j}]`)
          ),
        };
      case "eq":
      case "neq":
        if (!isScalarType(type)) throw unsupported(`${path}.op`, p.op, f);
        return {
          col,
          type,
          op: p.op,
          value: toScalar(p.val, type, `${path}.val`),
        };
      default:
        if (!isScalarType(type) || type.kind === "binary") {
          throw unsupported(`${path}.op`, p.op, f);
        }
        return {
          col,
          type,
          op: p.op,
          value: toScalar(p.val, type, `${path}.val`),
        };
    }
  });
}

function planOrder(
  req: QueryRequest,
  allowed: Map<string, Field>,
  what: string,
): PlanOrder[] {
  const seen = new Set<string>();
  return req.order_by.map((o, i) => {
    const path = `order_by[${i}].col`;
    const f = allowed.get(o.col);
    if (!f) {
      throw new ApiError(
        400,
        "unknown_column",
        `${path}: "${o.col}" is not ${what}`,
        path,
      );
    }
    requireOrderable(f, path, "order by");
    if (seen.has(f.name)) {
      throw new ApiError(
        400,
        "invalid_request",
        `${path}: "${f.name}" appears twice in order_by`,
        path,
      );
    }
    seen.add(f.name);
    return { col: f.name, dir: o.dir };
  });
}

/** Appends the keys not yet sorted on, ascending, so the order is total. */
function completeOrder(order: PlanOrder[], keys: string[]): PlanOrder[] {
  const have = new Set(order.map((o) => o.col));
  return [
    ...order,
    ...keys.filter((k) => !have.has(k)).map((col) => ({
      col,
      dir: "asc" as const,
    })),
  ];
}

function lookup(fields: Map<string, Field>, name: string, path: string): Field {
  const f = fields.get(name);
  if (!f) {
    throw new ApiError(
      400,
      "unknown_column",
      `${path}: unknown column ${JSON.stringify(name.slice(0, 200))}`,
      path,
    );
  }
  return f;
}

function checkUnique(
  names: string[],
  path: string,
  what = "duplicate column",
): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) {
      throw new ApiError(
        400,
        "duplicate_column",
        `${path}: ${what} "${n}"`,
        path,
      );
    }
    seen.add(n);
  }
}

function isScalarType(t: DataType): boolean {
  return t.kind !== "list" && t.kind !== "struct" && t.kind !== "map";
}

/** Sorting, grouping, distinct, min and max work on scalar, non-binary columns. */
function requireOrderable(f: Field, path: string, what: string): void {
  if (!isScalarType(f.type) || f.type.kind === "binary") {
    throw new ApiError(
      400,
      "unsupported_op",
      `${path}: cannot ${what} on ${f.type.kind} column "${f.name}"`,
      path,
    );
  }
}

function unsupported(path: string, op: string, f: Field): ApiError {
  return new ApiError(
    400,
    "unsupported_op",
    `${path}: op "${op}" does not apply to ${f.type.kind} column "${f.name}"`,
    path,
  );
}
