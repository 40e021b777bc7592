/**
 * The result grid: sticky headers, and only the rows in view in the DOM.
 * Past a few million pixels browsers stop growing an element, so a long
 * result scrolls a shorter spacer and each scroll pixel moves more than
 * one pixel of rows. Pages are asked of the RowSource for what is in view.
 */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Row } from "../../client/mod.ts";
import { columnWidth } from "../columns.ts";
import { formatCount, rightAligned, showValue } from "../format.ts";
import type { Column, RowSource } from "../row_source.ts";
import type { OrderRow } from "../state.ts";
import { HeaderCell } from "./HeaderCell.tsx";

const ROW_H = 28;
const HEAD_H = 45;
/** Well below every browser's largest element height. */
const MAX_SPACER = 8_000_000;
/** Rows fetched beyond the view on each side. */
const OVERSCAN = 60;

export interface CellRef {
  column: Column;
  row: number;
  value: unknown;
}

export function Grid(
  { source, columns, orderBy, stale, jump, onSort, hasMenu, onMenu, onDetail }:
    {
      source: RowSource | null;
      columns: Column[];
      orderBy: OrderRow[];
      /** A new query is running: the rows shown are the previous answer's. */
      stale: boolean;
      /** Scroll so that this row (0-based) is the first in view; the nonce repeats a jump. */
      jump: { row: number; nonce: number } | null;
      onSort: (col: string, add: boolean) => void;
      /** Whether a column has a header menu (aggregates of a grouped answer have none). */
      hasMenu: (col: Column) => boolean;
      onMenu: (col: Column, at: DOMRect) => void;
      onDetail: (cell: CellRef) => void;
    },
) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewH, setViewH] = useState(600);
  const [active, setActive] = useState<{ row: number; col: number } | null>(
    null,
  );
  // Scroll positions are whole pixels, and a compressed pixel spans several
  // rows: a jump remembers its row for as long as the view stays put.
  const [anchor, setAnchor] = useState<
    { row: number; scrollTop: number } | null
  >(
    null,
  );

  const total = source?.total ?? 0;
  const full = total * ROW_H;
  const spacer = Math.min(full, MAX_SPACER);
  const bodyView = Math.max(ROW_H, viewH - HEAD_H);
  const ratio = spacer > bodyView ? (full - bodyView) / (spacer - bodyView) : 1;
  const virtualTop = scrollTop * ratio;
  const anchored = anchor?.scrollTop === scrollTop ? anchor.row : null;
  const first = anchored ??
    Math.min(Math.floor(virtualTop / ROW_H), Math.max(0, total - 1));
  const offset = anchored === null ? virtualTop - first * ROW_H : 0;
  const count = Math.min(Math.ceil(bodyView / ROW_H) + 1, total - first);

  useLayoutEffect(() => {
    const el = ref.current!;
    const observer = new ResizeObserver(() => setViewH(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // A new answer starts at its top.
  useEffect(() => {
    if (ref.current) ref.current.scrollTop = 0;
    setScrollTop(0);
    setActive(null);
    setAnchor(null);
  }, [source]);

  /** Scrolls so that `row` is the first in view (or as near as the end allows). */
  function showFrom(row: number) {
    const el = ref.current;
    if (!el) return;
    const lastFirst = Math.max(0, total - Math.floor(bodyView / ROW_H));
    const top = Math.max(0, Math.min(row, lastFirst));
    el.scrollTop = (top * ROW_H) / ratio;
    setAnchor({ row: top, scrollTop: el.scrollTop });
    setScrollTop(el.scrollTop);
  }

  useEffect(() => {
    if (jump) showFrom(jump.row);
  }, [jump]);

  useEffect(() => {
    source?.want(first - OVERSCAN, first + count + OVERSCAN);
  }, [source, first, count, total]);

  const widths = columns.map((c) => columnWidth(c.type));
  const width = 84 + widths.reduce((a, b) => a + b, 0);

  function cellAt(row: number, col: number): CellRef | null {
    const r = source?.row(row);
    const column = columns[col];
    return r && column ? { column, row, value: r[column.name] } : null;
  }

  function onKeyDown(e: KeyboardEvent) {
    if (!active) return;
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    };
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      const row = Math.max(0, Math.min(total - 1, active.row + move[0]));
      setActive({
        row,
        col: Math.max(0, Math.min(columns.length - 1, active.col + move[1])),
      });
      // Keep the selected row in view.
      const inView = Math.floor(bodyView / ROW_H);
      if (row < first) showFrom(row);
      else if (row >= first + inView) showFrom(row - inView + 1);
    } else if (e.key === "Enter") {
      const cell = cellAt(active.row, active.col);
      if (cell) {
        e.preventDefault();
        e.stopPropagation();
        onDetail(cell);
      }
    }
  }

  // Copying a selected cell copies its exact value, not the text shown.
  function onCopy(e: ClipboardEvent) {
    const sel = getSelection();
    if (!active || (sel && !sel.isCollapsed)) return;
    const cell = cellAt(active.row, active.col);
    if (!cell) return;
    e.preventDefault();
    e.clipboardData?.setData(
      "text/plain",
      showValue(cell.value, cell.column.type).exact,
    );
  }

  const rows: preact.JSX.Element[] = [];
  for (let i = first; i < first + count; i++) {
    const r: Row | undefined = source?.row(i);
    rows.push(
      <div class="grow" key={i} data-row={i}>
        <div class="gutter">{formatCount(i + 1)}</div>
        {columns.map((c, k) => {
          const w = widths[k]!;
          if (!r) {
            return (
              <div class="cell pending" style={{ width: `${w}px` }}>…</div>
            );
          }
          const s = showValue(r[c.name], c.type);
          const isActive = active?.row === i && active.col === k;
          return (
            <div
              class={`cell ${s.kind}${isActive ? " active" : ""}`}
              style={{ width: `${w}px` }}
              title={s.kind === "text" || s.kind === "nested"
                ? (s.truncated ? "double-click for the whole value" : undefined)
                : s.exact || undefined}
              onClick={() => setActive({ row: i, col: k })}
              onDblClick={() =>
                onDetail({ column: c, row: i, value: r[c.name] })}
            >
              {s.text}
            </div>
          );
        })}
      </div>,
    );
  }

  return (
    <div
      class={`grid${stale ? " stale" : ""}`}
      ref={ref}
      tabIndex={0}
      data-testid="grid"
      onScroll={(e) => setScrollTop((e.target as HTMLDivElement).scrollTop)}
      onKeyDown={onKeyDown}
      onCopy={onCopy}
    >
      <div
        style={{
          width: `${width}px`,
          height: `${HEAD_H + spacer}px`,
          position: "relative",
          // Rows past the end must not grow the scroll area; `clip`, unlike
          // `hidden`, keeps the header sticky to the grid.
          overflow: "clip",
        }}
      >
        <div class="grid-head" style={{ width: `${width}px` }}>
          <div class="gutter">#</div>
          {columns.map((c, k) => (
            <HeaderCell
              key={c.name}
              column={c}
              width={widths[k]!}
              numeric={rightAligned(c.type)}
              orderBy={orderBy}
              onSort={onSort}
              onMenu={hasMenu(c) ? onMenu : null}
            />
          ))}
        </div>
        {source?.exact && total === 0 && (
          <p class="grid-empty" data-testid="no-rows">No rows match.</p>
        )}
        <div
          class="grid-rows"
          data-testid="rows"
          style={{
            top: `${HEAD_H + scrollTop - offset}px`,
            width: `${width}px`,
          }}
        >
          {rows}
        </div>
      </div>
    </div>
  );
}
