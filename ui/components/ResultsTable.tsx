/** A virtualised results table: only the rows in view are in the DOM. */
import { useState } from "preact/hooks";
import type { QueryPage } from "../../client/mod.ts";

const ROW_HEIGHT = 28;
const VIEW_ROWS = 20;

function cell(v: unknown): string {
  if (v === null || v === undefined) return "∅";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

export function ResultsTable({ page }: { page: QueryPage }) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - 5);
  const rows = page.rows.slice(first, first + VIEW_ROWS + 10);
  const names = page.columns.map((c) => c.name);
  return (
    <div
      class="results"
      data-testid="results"
      style={{
        height: `${Math.min(page.rows.length, VIEW_ROWS) * ROW_HEIGHT + 34}px`,
      }}
      onScroll={(e) => setTop((e.target as HTMLDivElement).scrollTop)}
    >
      <table>
        <thead>
          <tr>
            {page.columns.map((c) => (
              <th key={c.name} title={c.type}>{c.name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr style={{ height: `${first * ROW_HEIGHT}px` }} />
          {rows.map((r) => (
            <tr style={{ height: `${ROW_HEIGHT}px` }}>
              {names.map((n) => (
                <td class={r[n] === null ? "null" : ""}>{cell(r[n])}</td>
              ))}
            </tr>
          ))}
          <tr
            style={{
              height: `${
                Math.max(0, page.rows.length - first - rows.length) * ROW_HEIGHT
              }px`,
            }}
          />
        </tbody>
      </table>
    </div>
  );
}
