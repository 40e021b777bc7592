/**
 * The streamed export formats: each one's media type and an encoder that
 * turns the batches of a whole result into the bytes of one file.
 */
import type { Field, ResultBatch } from "../data/types.ts";
import { encodeCsvBatch, encodeCsvHeader } from "./csv.ts";
import { encodeNdjsonBatch } from "./ndjson.ts";
import { createParquetEncoder } from "./parquet.ts";

export const EXPORT_FORMATS = ["ndjson", "csv", "parquet"] as const;
export type ExportFormat = typeof EXPORT_FORMATS[number];

export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  ndjson: "application/x-ndjson",
  csv: "text/csv; charset=utf-8",
  parquet: "application/vnd.apache.parquet",
};

/** One export's encoder; any call may have nothing to send yet (null). */
export interface ExportEncoder {
  start(): Uint8Array | null;
  push(batch: ResultBatch): Uint8Array | null;
  end(): Uint8Array | null;
}

/** A fresh encoder of `fmt` for rows of `fields`. */
export function exportEncoder(
  fmt: ExportFormat,
  fields: Field[],
): ExportEncoder {
  switch (fmt) {
    case "csv":
      return {
        start: () => encodeCsvHeader(fields),
        push: encodeCsvBatch,
        end: () => null,
      };
    case "ndjson":
      return { start: () => null, push: encodeNdjsonBatch, end: () => null };
    case "parquet": {
      const parquet = createParquetEncoder(fields);
      return {
        start: () => null,
        push: (b) => parquet.push(b),
        end: () => parquet.finish(),
      };
    }
  }
}
