/** A page of results: the toolbar, copied code, a chart of groups and the table. */
import { useState } from "preact/hooks";
import type { QueryBody } from "../../client/mod.ts";
import type { Answer } from "../answer.ts";
import type { ApiErr } from "../api_error.ts";
import { BASE_URL } from "../base_url.ts";
import { download } from "../download.ts";
import { curlSnippet, queryUrl, typeScriptSnippet } from "../snippets.ts";
import { Chart } from "./Chart.tsx";
import { ResultsTable } from "./ResultsTable.tsx";
import { Toolbar } from "./Toolbar.tsx";

/** How long copied code stays on screen. */
const COPIED_MS = 4000;

export function ResultsView(
  { answer, page, dataset, body, token, onPage, onError }: {
    answer: Answer;
    /** The form's page, dataset and body, which paging, copy and download use. */
    page: number;
    dataset: string;
    body: QueryBody;
    token: string;
    onPage: (page: number) => void;
    onError: (err: ApiErr) => void;
  },
) {
  const [copied, setCopied] = useState("");
  const url = queryUrl(BASE_URL, dataset);

  async function copy(text: string) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard access may be denied; the text is still shown for selection.
    }
    setCopied(text);
    setTimeout(() => setCopied(""), COPIED_MS);
  }

  return (
    <section>
      <Toolbar
        answer={answer}
        page={page}
        onPage={onPage}
        onCopy={(as) =>
          copy(
            as === "curl"
              ? curlSnippet(url, body)
              : typeScriptSnippet(BASE_URL, dataset, body),
          )}
        onDownload={(format) =>
          download(url, body, format, dataset, token).catch((e) =>
            onError({ message: e instanceof Error ? e.message : String(e) })
          )}
      />
      {copied && <pre class="copied">{copied}</pre>}
      {answer.groups.length > 0 &&
        answer.page.columns.length > answer.groups.length && (
        <Chart page={answer.page} groups={answer.groups} />
      )}
      <ResultsTable page={answer.page} />
    </section>
  );
}
