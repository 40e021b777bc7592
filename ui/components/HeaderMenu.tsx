/** A column's menu, opened from its header: filter, group by, hide, profile. */
import { useEffect, useRef, useState } from "preact/hooks";
import type { Column } from "../row_source.ts";
import { orderable, type PredicateRow } from "../state.ts";
import { QuickFilter } from "./QuickFilter.tsx";

export function HeaderMenu(
  { column, at, grouped, onFilter, onGroup, onHide, onProfile, onClose }: {
    column: Column;
    /** The menu button's box; the menu opens below it. */
    at: DOMRect;
    /** The answer is grouped: hiding and grouping again do not apply. */
    grouped: boolean;
    onFilter: (p: PredicateRow) => void;
    onGroup: () => void;
    onHide: () => void;
    onProfile: () => void;
    onClose: () => void;
  },
) {
  const ref = useRef<HTMLDivElement>(null);
  const [filtering, setFiltering] = useState(false);

  useEffect(() => {
    const outside = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [onClose]);

  const left = Math.max(8, Math.min(at.left, innerWidth - 300));
  return (
    <div
      class="popup"
      ref={ref}
      role="menu"
      data-testid="header-menu"
      style={{ left: `${left}px`, top: `${at.bottom + 4}px` }}
    >
      <button
        type="button"
        role="menuitem"
        data-testid="menu-filter"
        onClick={() => setFiltering(true)}
      >
        Filter…
      </button>
      <button
        type="button"
        role="menuitem"
        data-testid="menu-group"
        disabled={grouped || !orderable(column.type)}
        onClick={onGroup}
      >
        Group by {column.name}
      </button>
      <button
        type="button"
        role="menuitem"
        data-testid="menu-hide"
        disabled={grouped}
        onClick={onHide}
      >
        Hide column
      </button>
      <button
        type="button"
        role="menuitem"
        data-testid="menu-profile"
        onClick={onProfile}
      >
        Profile…
      </button>
      {filtering && <QuickFilter column={column} onApply={onFilter} />}
    </div>
  );
}
