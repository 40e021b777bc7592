/** One cell's whole value, nested values laid out, with a button that copies it exactly. */
import { showValue } from "../format.ts";
import type { CellRef } from "./Grid.tsx";

export function CellDetail(
  { cell, onCopy, onClose }: {
    cell: CellRef;
    onCopy: (text: string) => void;
    onClose: () => void;
  },
) {
  const { column, row, value } = cell;
  const s = showValue(value, column.type);
  const text = value !== null && typeof value === "object"
    ? JSON.stringify(value, null, 2)
    : s.exact;
  return (
    <div
      class="backdrop"
      onClick={(e) => e.target === e.currentTarget && onClose()}
    >
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={`${column.name}, row ${row + 1}`}
        data-testid="cell-detail"
      >
        <header>
          <h3>{column.name}</h3>
          <span class="muted">
            {column.type} · row {(row + 1).toLocaleString()}
          </span>
          <button
            type="button"
            class="link"
            data-testid="detail-close"
            onClick={onClose}
          >
            ×
          </button>
        </header>
        {s.kind === "null"
          ? <p class="muted">null</p>
          : <pre data-testid="detail-value">{text}</pre>}
        <button
          type="button"
          data-testid="detail-copy"
          disabled={s.kind === "null"}
          onClick={() => onCopy(s.exact)}
        >
          Copy value
        </button>
      </div>
    </div>
  );
}
