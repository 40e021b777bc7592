/**
 * Rows as DuckDB prints them (`CAST(x AS VARCHAR)`, zoned timestamps in
 * UTC), for a decoded table and for DuckDB's own read of a file, so the two
 * compare as text with one printer. Decoded values go back into DuckDB
 * through its appender, value by value in the layout data/types.ts states.
 */
import assert from "node:assert/strict";
import {
  BIGINT,
  BLOB,
  blobValue,
  BOOLEAN,
  DATE,
  dateValue,
  DECIMAL,
  decimalValue,
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
  FLOAT,
  INTEGER,
  LIST,
  listValue,
  MAP,
  mapValue,
  SMALLINT,
  STRUCT,
  structValue,
  TIME,
  TIMESTAMP,
  TIMESTAMP_MS,
  TIMESTAMP_NS,
  TIMESTAMP_S,
  timestampMillisValue,
  timestampNanosValue,
  timestampSecondsValue,
  timestampValue,
  timeValue,
  TINYINT,
  UBIGINT,
  UINTEGER,
  USMALLINT,
  UTINYINT,
  VARCHAR,
} from "@duckdb/node-api";
import type { DataType, NestedValue } from "../../../data/types.ts";
import type { DecodedTable, Utf8Column } from "../../../engines/duckdb/mod.ts";
import { duckType, quoteIdent } from "../../../engines/duckdb/sql.ts";

/** Rows of VARCHAR cells, in the order the query gave them. */
export type TextRows = (string | null)[][];

const TIME_TO_MICROS = { s: 1_000_000n, ms: 1_000n, us: 1n, ns: 0n };

const INTS = {
  true: { 8: TINYINT, 16: SMALLINT, 32: INTEGER, 64: BIGINT },
  false: { 8: UTINYINT, 16: USMALLINT, 32: UINTEGER, 64: UBIGINT },
};

/**
 * The DuckDB type of the decoded values (the appender needs it for lists
 * whose items are all null or absent).
 */
function duckTypeOf(t: DataType): DuckDBType {
  switch (t.kind) {
    case "bool":
      return BOOLEAN;
    case "int":
      return INTS[`${t.signed}`][t.bits];
    case "float":
      return t.bits === 32 ? FLOAT : DOUBLE;
    case "decimal":
      return DECIMAL(t.precision, t.scale);
    case "string":
      return VARCHAR;
    case "binary":
      return BLOB;
    case "date":
      return DATE;
    case "timestamp":
      return {
        s: TIMESTAMP_S,
        ms: TIMESTAMP_MS,
        us: TIMESTAMP,
        ns: TIMESTAMP_NS,
      }[
        t.unit
      ];
    case "time":
      return TIME;
    case "list":
      return LIST(duckTypeOf(t.item));
    case "struct":
      return STRUCT(
        Object.fromEntries(t.fields.map((f) => [f.name, duckTypeOf(f.type)])),
      );
    case "map":
      return MAP(duckTypeOf(t.key), duckTypeOf(t.value));
  }
}

/** A value in our layout as a DuckDB value of the column's type. */
function duckValue(t: DataType, v: NestedValue): DuckDBValue {
  if (v === null) return null;
  switch (t.kind) {
    case "decimal":
      return decimalValue(v as bigint, t.precision, t.scale);
    case "binary":
      return blobValue(v as Uint8Array);
    case "date":
      return dateValue(v as number);
    case "timestamp":
      return t.unit === "s"
        ? timestampSecondsValue(v as bigint)
        : t.unit === "ms"
        ? timestampMillisValue(v as bigint)
        : t.unit === "ns"
        ? timestampNanosValue(v as bigint)
        : timestampValue(v as bigint);
    case "time": {
      const m = TIME_TO_MICROS[t.unit];
      return timeValue(m === 0n ? (v as bigint) / 1000n : (v as bigint) * m);
    }
    case "list":
      return listValue((v as NestedValue[]).map((x) => duckValue(t.item, x)));
    case "struct":
      return structValue(
        Object.fromEntries(
          t.fields.map((f) => [
            f.name,
            duckValue(f.type, (v as Record<string, NestedValue>)[f.name]!),
          ]),
        ),
      );
    case "map":
      return mapValue(
        (v as { key: NestedValue; value: NestedValue }[]).map((e) => ({
          key: duckValue(t.key, e.key),
          value: duckValue(t.value, e.value),
        })),
      );
    case "bool":
      return Boolean(v);
    default:
      return v as DuckDBValue;
  }
}

const text = new TextDecoder();

/** Row `r` of a string column decoded as bytes plus offsets. */
export function utf8Cell(
  col: DecodedTable["columns"][number],
  r: number,
): string {
  const { bytes, offsets } = col.values as Utf8Column;
  return text.decode(bytes.subarray(offsets[r]!, offsets[r + 1]!));
}

/** Bytes plus offsets: ascending, one more than rows, empty at nulls. */
export function assertUtf8Layout(
  col: DecodedTable["columns"][number],
  rows: number,
): void {
  const { bytes, offsets } = col.values as Utf8Column;
  assert.equal(offsets.length, rows + 1, col.field.name);
  assert.equal(offsets[rows], bytes.length, col.field.name);
  for (let r = 0; r < rows; r++) {
    assert.ok(offsets[r]! <= offsets[r + 1]!, col.field.name);
    if (col.valid && !col.valid[r]) {
      assert.equal(offsets[r], offsets[r + 1], col.field.name);
    }
  }
}

/** Row `r` of a decoded column in our layout (dictionary codes resolved). */
function cell(
  col: DecodedTable["columns"][number],
  r: number,
): NestedValue {
  if (col.valid && !col.valid[r]) return null;
  if (col.field.type.kind === "string" && !col.dictionary) {
    return utf8Cell(col, r);
  }
  const v = (col.values as ArrayLike<NestedValue>)[r]!;
  return col.dictionary ? col.dictionary[v as number]! : v;
}

/**
 * Puts a decoded table into DuckDB as temp table `decoded`: its columns
 * under their names and types, led by `__row`, each row's number.
 */
export async function storeDecoded(
  conn: DuckDBConnection,
  table: DecodedTable,
): Promise<void> {
  const cols = table.columns.map((c) =>
    `, ${quoteIdent(c.field.name)} ${duckType(c.field.type)}`
  );
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE decoded (__row BIGINT${cols.join("")})`,
  );
  const types = [BIGINT, ...table.columns.map((c) => duckTypeOf(c.field.type))];
  const app = await conn.createAppender("decoded");
  // A chunk of rows at a time: appending value by value is far slower.
  for (let from = 0; from < table.rows; from += 2048) {
    const n = Math.min(2048, table.rows - from);
    const chunk = DuckDBDataChunk.create(types, n);
    const rows = Array.from({ length: n }, (_, i) => BigInt(from + i));
    chunk.setColumns([
      rows,
      ...table.columns.map((c) =>
        rows.map((_, i) => duckValue(c.field.type, cell(c, from + i)))
      ),
    ]);
    app.appendDataChunk(chunk);
  }
  app.closeSync();
}

/**
 * Every column of `select` as VARCHAR, in the order the query gives the
 * rows; a column named in `types` is first cast to that type (the decoded
 * columns hold the schema's types, whatever the file stored).
 */
export async function textRows(
  conn: DuckDBConnection,
  select: string,
  types: Map<string, DataType>,
  params: string[] = [],
): Promise<TextRows> {
  await conn.run("SET TimeZone = 'UTC'");
  const names = (await conn.runAndReadAll(`DESCRIBE ${select}`, params))
    .getRowsJS().map((r) => String(r[0]));
  const exprs = names.map((n) => {
    const c = quoteIdent(n);
    const t = types.get(n);
    return t
      ? `CAST(CAST(${c} AS ${duckType(t)}) AS VARCHAR)`
      : `CAST(${c} AS VARCHAR)`;
  });
  const rows = (await conn.runAndReadAll(
    `SELECT ${exprs.join(", ")} FROM (${select})`,
    params,
  )).getRowsJS();
  return rows.map((row) => row.map((v) => v === null ? null : String(v)));
}

/** Rows sorted as their JSON text, for sources whose expected rows are sorted. */
export function sorted(rows: TextRows): TextRows {
  return rows.map((r) => ({ r, k: JSON.stringify(r) }))
    .sort((a, b) => a.k < b.k ? -1 : a.k > b.k ? 1 : 0)
    .map((x) => x.r);
}
