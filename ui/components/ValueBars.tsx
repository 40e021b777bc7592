/** Horizontal bars, one per group, in the order given (largest first). */
import type { Row } from "../../client/mod.ts";
import { readableFloat } from "../format.ts";

const W = 640;
const BAR = 20;
const LABEL = 170;

export function ValueBars(
  { rows, groups, measure }: { rows: Row[]; groups: string[]; measure: string },
) {
  const bars = rows.map((r) => ({
    label: groups.map((g) => r[g] === null ? "null" : String(r[g])).join(" / "),
    value: Number(r[measure] ?? 0),
  }));
  const max = Math.max(1e-300, ...bars.map((b) => Math.abs(b.value)));
  const plot = W - LABEL - 70;
  return (
    <svg
      viewBox={`0 0 ${W} ${bars.length * BAR + 4}`}
      style={{ maxHeight: "260px" }}
      data-testid="value-bars"
      role="img"
      aria-label={`${measure} by ${groups.join(", ")}`}
    >
      {bars.map((b, i) => {
        const w = (Math.abs(b.value) / max) * plot;
        return (
          <g transform={`translate(0 ${i * BAR + 2})`}>
            <text x={LABEL - 6} y="14" text-anchor="end" font-size="12">
              {b.label.length > 26 ? b.label.slice(0, 25) + "…" : b.label}
            </text>
            <rect
              class="bar"
              x={LABEL}
              y="2"
              height={BAR - 5}
              width={w}
              data-value={b.value}
            >
              <title>{`${b.label}: ${b.value}`}</title>
            </rect>
            <text x={LABEL + w + 4} y="14" font-size="11">
              {readableFloat(b.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
