/** Saves a query's whole result as a file through the export formats. */
import type { QueryBody } from "../client/mod.ts";

export type ExportFormat = "csv" | "ndjson" | "arrow";

/**
 * Posts the query with `?format=` and hands the answer to the browser as a
 * download. CSV and NDJSON export every page, so paging is dropped for
 * them; Arrow is a page format and keeps it.
 */
export async function download(
  url: string,
  body: QueryBody,
  format: ExportFormat,
  dataset: string,
  token: string,
): Promise<void> {
  const { page: _p, page_size: _s, ...all } = body;
  const res = await fetch(`${url}?format=${format}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(format === "arrow" ? body : all),
  });
  if (!res.ok) throw new Error(`download failed: HTTP ${res.status}`);
  const a = document.createElement("a");
  a.href = URL.createObjectURL(await res.blob());
  a.download = `${dataset}.${format === "arrow" ? "arrows" : format}`;
  a.click();
}
