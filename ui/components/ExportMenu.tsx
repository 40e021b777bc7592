/**
 * Downloads of the whole answer and the query as code. Downloads are plain
 * links to the GET form of the query route, so the browser streams them to
 * disk with its own progress and the page holds none of it.
 */
import type { DataPressClient, QueryBody } from "../../client/mod.ts";

const FORMATS = [
  { format: "csv", label: "CSV", ext: "csv" },
  { format: "ndjson", label: "NDJSON", ext: "ndjson" },
  { format: "arrow", label: "Arrow", ext: "arrows" },
  { format: "parquet", label: "Parquet", ext: "parquet" },
] as const;

/** Arrow is a page format: a download asks for the largest page the server gives. */
const ARROW_PAGE = 100_000;

export function ExportMenu(
  { client, dataset, body, onCopy }: {
    client: DataPressClient;
    dataset: string;
    /** The query shown, without paging or version. */
    body: QueryBody;
    onCopy: (as: "curl" | "TypeScript") => void;
  },
) {
  return (
    <details class="menu" data-testid="export">
      <summary>Export ▾</summary>
      <div class="menu-items">
        {FORMATS.map(({ format, label, ext }) => (
          <a
            key={format}
            href={client.queryUrl(
              dataset,
              format === "arrow" ? { ...body, page_size: ARROW_PAGE } : body,
              format,
            )}
            download={`${dataset}.${ext}`}
            data-testid={`download-${format}`}
          >
            Download {label}
          </a>
        ))}
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
