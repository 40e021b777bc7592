/**
 * RFC 4180 CSV. Values are the JSON texts with string quotes removed, so
 * numbers, dates and timestamps read the same as in JSON; nulls are empty and
 * nested values are their JSON text.
 */
import type { Field, ResultBatch } from "../data/types.ts";
import { columnJson } from "./columns.ts";

const encoder = new TextEncoder();

function csvField(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim()
    ? `"${s.replaceAll('"', '""')}"`
    : s;
}

function csvValue(json: string): string {
  if (json === "null") return "";
  return csvField(json.startsWith('"') ? JSON.parse(json) : json);
}

export function encodeCsvHeader(fields: Field[]): Uint8Array {
  return encoder.encode(fields.map((f) => csvField(f.name)).join(",") + "\r\n");
}

export function encodeCsvBatch(batch: ResultBatch): Uint8Array {
  const n = batch.length;
  const cols = batch.columns.map((c) => columnJson(c, n));
  let out = "";
  for (let i = 0; i < n; i++) {
    out += cols.map((c) => csvValue(c[i]!)).join(",") + "\r\n";
  }
  return encoder.encode(out);
}
