/** Above the results: what the page holds, paging, copy-as-code and downloads. */
import type { Answer } from "../answer.ts";
import type { ExportFormat } from "../download.ts";

const DOWNLOADS: [ExportFormat, string][] = [
  ["csv", "CSV"],
  ["ndjson", "NDJSON"],
  ["arrow", "Arrow"],
];

export function Toolbar(
  { answer, page, onPage, onCopy, onDownload }: {
    answer: Answer;
    /** The page the form asks for; paging steps from it. */
    page: number;
    onPage: (page: number) => void;
    onCopy: (as: "curl" | "TypeScript") => void;
    onDownload: (format: ExportFormat) => void;
  },
) {
  return (
    <div class="toolbar">
      <span data-testid="summary">
        {answer.page.returned} rows on page {answer.page.page}
        {` · ${answer.total.toLocaleString()} matching rows`}
        {` · ${answer.elapsedMs.toFixed(0)} ms`}
      </span>
      <button
        type="button"
        data-testid="prev"
        disabled={page <= 1}
        onClick={() => onPage(page - 1)}
      >
        ◀ prev
      </button>
      <button
        type="button"
        data-testid="next"
        disabled={!answer.page.has_more}
        onClick={() => onPage(page + 1)}
      >
        next ▶
      </button>
      <button type="button" onClick={() => onCopy("curl")}>
        copy as curl
      </button>
      <button type="button" onClick={() => onCopy("TypeScript")}>
        copy as TypeScript
      </button>
      {DOWNLOADS.map(([format, label]) => (
        <button
          type="button"
          onClick={() => onDownload(format)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
