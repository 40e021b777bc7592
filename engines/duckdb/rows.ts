/**
 * The decode's reader: materialized slices of a source copied into
 * preallocated whole-table columns, strings as UTF-8 bytes plus offsets
 * and dictionary columns as codes, with no JS string per value.
 */
import type { DuckDBMaterializedResult, DuckDBVector } from "@duckdb/node-api";
import type { ColumnValues, Field } from "../../data/types.ts";
import { CodeSink, type HashCodes } from "./codes.ts";
import { ColumnSink, ValiditySink } from "./read.ts";
import { type Utf8Column, Utf8Sink } from "./utf8.ts";

/** Strings in the utf8 layout, copied without a JS string per value. */
class TextSink {
  readonly #validity: ValiditySink;
  readonly #utf8: Utf8Sink;

  constructor(readonly rows: number, totalBytes: number) {
    this.#validity = new ValiditySink(rows);
    this.#utf8 = new Utf8Sink(rows, totalBytes);
  }

  append(vec: DuckDBVector, len: number, at: number): void {
    this.#utf8.append(vec, len, this.#validity.copy(vec, len, at), at);
  }

  finish(): ReadColumn {
    return {
      values: this.#utf8.finish(this.rows),
      valid: this.#validity.array,
    };
  }
}

/** A column filled by RowsReader. */
export interface ReadColumn {
  /**
   * Dictionary columns as codes (-1 at nulls, `Codes`), other strings as a
   * Utf8Column, other types in the ColumnVector layout.
   */
  readonly values: ColumnValues | Utf8Column;
  readonly valid: Uint8Array | null;
}

/** How RowsReader reads a column. */
export type ColumnPlan =
  /** Its own values, in the ColumnVector layout (strings as a Utf8Column). */
  | { field: Field; textBytes?: number }
  /** `hash(column)` as DuckDB computes it, turned into dictionary codes. */
  | { field: Field; codes: HashCodes };

/**
 * Fills preallocated columns of exactly `rows` rows from one or more
 * materialized results read in order. Each result is copied synchronously:
 * a caller on a busy event loop waits for DuckDB once per result, not once
 * per 2,048-row chunk behind every queued request.
 */
export class RowsReader {
  readonly #sinks: (ColumnSink | TextSink | CodeSink)[];
  #at = 0;

  constructor(columns: ColumnPlan[], readonly rows: number) {
    this.#sinks = columns.map((c) =>
      "codes" in c
        ? new CodeSink(rows, c.codes)
        : c.field.type.kind === "string"
        ? new TextSink(rows, c.textBytes ?? 0)
        : new ColumnSink(c.field, rows)
    );
  }

  /** Rows filled so far. */
  get filled(): number {
    return this.#at;
  }

  read(result: DuckDBMaterializedResult): void {
    const chunks = result.chunkCount;
    for (let k = 0; k < chunks; k++) {
      const chunk = result.getChunk(k);
      const len = chunk.rowCount;
      if (len === 0) continue;
      if (this.#at + len > this.rows) {
        throw new Error("the source changed while it was being read");
      }
      this.#sinks.forEach((s, c) =>
        s.append(chunk.getColumnVector(c), len, this.#at)
      );
      this.#at += len;
    }
  }

  finish(): ReadColumn[] {
    if (this.#at !== this.rows) {
      throw new Error("the source changed while it was being read");
    }
    return this.#sinks.map((s) => s.finish());
  }
}
