/**
 * Downloads of the whole answer and the query as code. Downloads are plain
 * links to the GET form of the query route, so the browser streams them to
 * disk with its own progress and the page holds none of it. A link cannot
 * carry a bearer token, so with one set the page fetches the export itself
 * and hands the browser a blob (which Chromium keeps on disk when large).
 */
import { useRef, useState } from "preact/hooks";
import type { DataPressClient, QueryBody } from "../../client/mod.ts";
import { type ApiErr, errOf } from "../api_error.ts";

const FORMATS = [
  { format: "csv", label: "CSV", ext: "csv" },
  { format: "ndjson", label: "NDJSON", ext: "ndjson" },
  { format: "arrow", label: "Arrow", ext: "arrows" },
  { format: "parquet", label: "Parquet", ext: "parquet" },
] as const;

type Format = typeof FORMATS[number];

/** Arrow is a page format: a download asks for the largest page the server gives. */
const ARROW_PAGE = 100_000;

export function ExportMenu(
  { client, dataset, body, withToken, onCopy, onError }: {
    client: DataPressClient;
    dataset: string;
    /** The query shown, without paging or version. */
    body: QueryBody;
    /** The client sends a bearer token: links would go without it. */
    withToken: boolean;
    onCopy: (as: "curl" | "TypeScript") => void;
    onError: (err: ApiErr) => void;
  },
) {
  const [saving, setSaving] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const bodyOf = (format: Format["format"]) =>
    format === "arrow" ? { ...body, page_size: ARROW_PAGE } : body;

  async function save({ format, label, ext }: Format) {
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setSaving(label);
    try {
      const res = await client.exportResponse(
        dataset,
        bodyOf(format),
        format,
        { signal: ctl.signal },
      );
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = `${dataset}.${ext}`;
      a.click();
      // The download has its own reference once started.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      if (!ctl.signal.aborted) onError(errOf(e));
    } finally {
      if (abort.current === ctl) {
        abort.current = null;
        setSaving(null);
      }
    }
  }

  return (
    <details class="menu" data-testid="export">
      <summary>Export ▾</summary>
      <div class="menu-items">
        {FORMATS.map((f) => (
          <a
            key={f.format}
            href={client.queryUrl(dataset, bodyOf(f.format), f.format)}
            download={`${dataset}.${f.ext}`}
            data-testid={`download-${f.format}`}
            onClick={withToken
              ? (e) => {
                e.preventDefault();
                save(f);
              }
              : undefined}
          >
            Download {f.label}
          </a>
        ))}
        {saving && (
          <div class="saving" data-testid="saving" role="status">
            Downloading {saving}…{" "}
            <button
              type="button"
              class="link"
              onClick={() => {
                abort.current?.abort();
                abort.current = null;
                setSaving(null);
              }}
            >
              Cancel
            </button>
          </div>
        )}
        <button type="button" onClick={() => onCopy("curl")}>
          Copy as curl
        </button>
        <button type="button" onClick={() => onCopy("TypeScript")}>
          Copy as TypeScript
        </button>
      </div>
    </details>
  );
}
