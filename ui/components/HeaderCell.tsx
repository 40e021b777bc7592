/**
 * A column header: name and type; a click sorts by the column, a
 * shift-click adds it as a further sort key; the ⋮ button opens its menu.
 */
import type { Column } from "../row_source.ts";
import type { OrderRow } from "../state.ts";

export function HeaderCell(
  { column, width, numeric, orderBy, onSort, onMenu }: {
    column: Column;
    width: number;
    numeric: boolean;
    orderBy: OrderRow[];
    onSort: (col: string, add: boolean) => void;
    onMenu: ((col: Column, at: DOMRect) => void) | null;
  },
) {
  const at = orderBy.findIndex((o) => o.col === column.name);
  const key = orderBy[at];
  const arrow = key ? (key.dir === "asc" ? " ▲" : " ▼") : "";
  const rank = key && orderBy.length > 1 ? String(at + 1) : "";
  return (
    <div
      class={`hcell${numeric ? " num" : ""}`}
      style={{ width: `${width}px` }}
      data-testid={`header-${column.name}`}
      aria-sort={key
        ? (key.dir === "asc" ? "ascending" : "descending")
        : undefined}
    >
      <button
        type="button"
        class="sort"
        title={`Sort by ${column.name} (shift-click adds a sort key)`}
        onClick={(e) => onSort(column.name, e.shiftKey)}
      >
        <span class="hname">
          {column.name}
          {arrow}
          {rank && <sup>{rank}</sup>}
        </span>
        <span class="htype">{column.type}</span>
      </button>
      {onMenu && (
        <button
          type="button"
          class="menu-button"
          title="Filter, group by, hide, profile"
          data-testid={`menu-${column.name}`}
          onClick={(e) =>
            onMenu(
              column,
              (e.currentTarget as HTMLElement).getBoundingClientRect(),
            )}
        >
          ⋮
        </button>
      )}
    </div>
  );
}
