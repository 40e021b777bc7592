/** Newline-delimited JSON: one row object per line, same value rules as JSON. */
import type { ResultBatch } from "../query/types.ts";
import { rowObjects } from "./columns.ts";

const encoder = new TextEncoder();

export function encodeNdjsonBatch(batch: ResultBatch): Uint8Array {
  if (batch.length === 0) return new Uint8Array(0);
  return encoder.encode(rowObjects(batch).join("\n") + "\n");
}
