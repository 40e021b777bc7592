/** Below the grid: how many rows the answer has, its dataset version, and a jump to any row. */
import { useState } from "preact/hooks";
import { formatCount } from "../format.ts";

export function StatusBar(
  { total, exact, version, onJump }: {
    total: number;
    /** false while a grouped or distinct answer has pages not yet seen. */
    exact: boolean;
    version: number | null;
    /** Scrolls to a row, 1-based as shown. */
    onJump: (row: number) => void;
  },
) {
  const [row, setRow] = useState("");
  return (
    <footer class="statusbar">
      <span data-testid="total">
        {exact ? "" : "at least "}
        {formatCount(total)} rows
      </span>
      {version !== null && <span data-testid="version">version {version}</span>}
      <span class="spacer" />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const n = Number(row.replace(/[^\d]/g, ""));
          if (n >= 1) onJump(n);
        }}
      >
        <label>
          Go to row{" "}
          <input
            inputMode="numeric"
            data-testid="jump"
            placeholder={formatCount(Math.max(1, total))}
            value={row}
            onInput={(e) => setRow((e.target as HTMLInputElement).value)}
          />
        </label>
      </form>
    </footer>
  );
}
