/**
 * QueryPlan → DuckDB SQL with `$n` placeholders. Identifiers come only from
 * the plan (already checked against the schema) and are always quoted;
 * every value is a bound text parameter cast to the column's type, so
 * nothing from a request is spliced into the SQL text.
 */
import type { DataType, Decimal, Scalar } from "../../data/types.ts";
import type { PlanPredicate, QueryPlan } from "../../query/types.ts";
import {
  base64,
  dateText,
  decimalText,
  timestampText,
  timeText,
} from "../../data/text.ts";

/** Bound parameters are text; the SQL casts each to its column's type. */
export type SqlParam = string;

export interface Sql {
  sql: string;
  params: SqlParam[];
}

/** Hidden columns of every relation: file index and row number within the file. */
export const ROW_FILE = "__dp_file";
export const ROW_NUM = "__dp_row";

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The DuckDB type that holds values of one of our types exactly. */
export function duckType(t: DataType): string {
  switch (t.kind) {
    case "bool":
      return "BOOLEAN";
    case "int":
      return ({ 8: "TINYINT", 16: "SMALLINT", 32: "INTEGER", 64: "BIGINT" })[
        t.bits
      ].replace(/^/, t.signed ? "" : "U");
    case "float":
      return t.bits === 32 ? "FLOAT" : "DOUBLE";
    case "decimal":
      return `DECIMAL(${t.precision},${t.scale})`;
    case "string":
      return "VARCHAR";
    case "binary":
      return "BLOB";
    case "date":
      return "DATE";
    case "timestamp":
      return ({
        s: "TIMESTAMP_S",
        ms: "TIMESTAMP_MS",
        us: "TIMESTAMP",
        ns: "TIMESTAMP_NS",
      })[t.unit];
    case "time":
      return "TIME";
    case "list":
      return `${duckType(t.item)}[]`;
    case "struct":
      return `STRUCT(${
        t.fields.map((f) => `${quoteIdent(f.name)} ${duckType(f.type)}`).join(
          ", ",
        )
      })`;
    case "map":
      return `MAP(${duckType(t.key)}, ${duckType(t.value)})`;
  }
}

class Params {
  readonly values: SqlParam[] = [];
  /** A placeholder for `v` cast to the column type. */
  add(v: Scalar, type: DataType): string {
    this.values.push(scalarText(v, type));
    const ph = `$${this.values.length}`;
    if (type.kind === "string") return ph;
    if (type.kind === "binary") return `from_base64(${ph})`;
    if (type.kind === "decimal") {
      const scale = Math.min(
        37,
        Math.max(type.scale, (v as Decimal).scale),
      );
      return `CAST(${ph} AS DECIMAL(38,${scale}))`;
    }
    return `CAST(${ph} AS ${duckType(type)})`;
  }
}

/** A scalar as the text DuckDB casts back to the column's type. */
export function scalarText(v: Scalar, type: DataType): string {
  switch (type.kind) {
    case "binary":
      return base64(v as Uint8Array);
    case "date":
      return dateText(v as number);
    case "timestamp":
      return timestampText(v as bigint, type.unit, false);
    case "time":
      return timeText(v as bigint, type.unit);
    case "decimal": {
      const d = v as Decimal;
      return decimalText(d.unscaled, d.scale);
    }
    case "float": {
      const n = v as number;
      return Number.isNaN(n) ? "NaN" : String(n);
    }
    default:
      return String(v);
  }
}

const CMP: Record<string, string> = {
  eq: "=",
  neq: "<>",
  gt: ">",
  gte: ">=",
  lt: "<",
  lte: "<=",
};

/**
 * Float equality as a closed range. DuckDB's parquet reader compares a
 * pushed-down equality bit by bit, so a stored -0.0 never equalled 0.0;
 * ranges, like every other operator, compare IEEE values. NaN is the
 * greatest float and equals itself, so [NaN, NaN] holds exactly the NaNs.
 */
function floatEquals(col: string, value: string): string {
  return `(${col} >= ${value} AND ${col} <= ${value})`;
}

function predicateSql(p: PlanPredicate, params: Params): string {
  const col = quoteIdent(p.col);
  switch (p.op) {
    case "is_null":
      return `${col} IS NULL`;
    case "is_not_null":
      return `${col} IS NOT NULL`;
    case "like":
    case "ilike":
      return `${col} ${p.op.toUpperCase()} ${
        params.add(p.pattern, p.type)
      } ESCAPE '\\'`;
    case "in":
      if (p.type.kind === "float") {
        return `(${
          p.values.map((v) => floatEquals(col, params.add(v, p.type))).join(
            " OR ",
          )
        })`;
      }
      return `${col} IN (${
        p.values.map((v) => params.add(v, p.type)).join(", ")
      })`;
    case "eq":
      if (p.type.kind === "float") {
        return floatEquals(col, params.add(p.value, p.type));
      }
      return `${col} = ${params.add(p.value, p.type)}`;
    default:
      return `${col} ${CMP[p.op]} ${params.add(p.value, p.type)}`;
  }
}

function whereSql(filters: PlanPredicate[], params: Params): string {
  return filters.length === 0
    ? ""
    : ` WHERE ${filters.map((f) => predicateSql(f, params)).join(" AND ")}`;
}

function aggSql(a: QueryPlan["aggregations"][number]): string {
  const col = a.col === null ? "*" : quoteIdent(a.col);
  const inner = `${a.op}(${col})`;
  return `CAST(${inner} AS ${duckType(a.type)})`;
}

export interface QuerySqlOptions {
  /** Rows come from several files: ties and unordered rows need ROW_FILE. */
  multiFile: boolean;
  /**
   * A rows plan without filters, ordered: bound its first sort key by the
   * key's value at the page's last row (a scalar subquery DuckDB computes
   * first), so the scan filters rows as it reads them and fetches the
   * other columns of the few that pass, instead of every row's for the
   * top-N. Only correct when that row's key is not NULL, which the caller
   * knows (the key has more non-NULL values than offset + take).
   */
  firstKeyBound?: boolean;
}

/** SQL for one page of a plan over `relation` (a quoted view name). */
export function buildQuerySql(
  plan: QueryPlan,
  relation: string,
  opts: QuerySqlOptions,
): Sql {
  const params = new Params();
  let where = whereSql(plan.filters, params);
  const first = plan.orderBy[0];
  if (
    opts.firstKeyBound && first && plan.kind === "rows" &&
    plan.filters.length === 0 && plan.take > 0
  ) {
    // Every row of the page sorts at or before the page's last row, so it
    // has a first key at least as far along; rows past it that tie on the
    // key pass too, and sort after the page as before.
    const key = quoteIdent(first.col);
    const dir = first.dir.toUpperCase();
    where = ` WHERE ${key} ${
      first.dir === "desc" ? ">=" : "<="
    } (SELECT ${key} FROM ${relation} ORDER BY ${key} ${dir} NULLS LAST LIMIT 1 OFFSET ${
      plan.offset + plan.take - 1
    })`;
  }
  const order = plan.orderBy.map((o) =>
    `${quoteIdent(o.col)} ${o.dir.toUpperCase()} NULLS LAST`
  );
  let sql: string;
  if (plan.kind === "group") {
    const groups = plan.columns.map(quoteIdent);
    const select = [
      ...groups,
      ...plan.aggregations.map((a) => `${aggSql(a)} AS ${quoteIdent(a.alias)}`),
    ];
    sql = `SELECT ${select.join(", ")} FROM ${relation}${where} GROUP BY ${
      groups.join(", ")
    }`;
  } else if (plan.kind === "distinct") {
    sql = `SELECT DISTINCT ${
      plan.columns.map(quoteIdent).join(", ")
    } FROM ${relation}${where}`;
  } else {
    // Ties (and unordered rows of several files) keep source order.
    if (order.length > 0 || opts.multiFile) {
      if (opts.multiFile) order.push(`${ROW_FILE} ASC`);
      order.push(`${ROW_NUM} ASC`);
    }
    sql = `SELECT ${
      plan.columns.map(quoteIdent).join(", ")
    } FROM ${relation}${where}`;
  }
  if (order.length > 0) sql += ` ORDER BY ${order.join(", ")}`;
  sql += ` LIMIT ${plan.take} OFFSET ${plan.offset}`;
  return { sql, params: params.values };
}

/** SQL counting the rows that match `filters`. */
export function buildCountSql(filters: PlanPredicate[], relation: string): Sql {
  const params = new Params();
  const where = whereSql(filters, params);
  return {
    sql: `SELECT count(*) AS n FROM ${relation}${where}`,
    params: params.values,
  };
}

/** Pages up to this deep bound their first sort key (`firstKeyBound`). */
const BOUND_ROWS = 10_000;

/**
 * Whether a page of a table with `nonNull` counts per column may bound its
 * first sort key (engine.ts's `boundsFirstKey`, and the bench).
 */
export function firstKeyBoundApplies(
  plan: QueryPlan,
  nonNull: ReadonlyMap<string, number>,
): boolean {
  const first = plan.orderBy[0];
  if (!first || plan.kind !== "rows") return false;
  if (plan.filters.length > 0 || plan.take === 0) return false;
  const end = plan.offset + plan.take;
  return end <= BOUND_ROWS && end <= (nonNull.get(first.col) ?? 0);
}
