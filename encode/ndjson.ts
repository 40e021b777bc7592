/** Newline-delimited JSON: one row object per line, same value rules as JSON. */
import type { ResultBatch } from "../data/types.ts";
import { ByteWriter } from "./bytes.ts";
import { writeRows } from "./rows.ts";

export function encodeNdjsonBatch(batch: ResultBatch): Uint8Array {
  if (batch.length === 0) return new Uint8Array(0);
  const w = new ByteWriter();
  writeRows(w, batch, 0x0a);
  w.byte(0x0a);
  return w.result();
}
