/** One bar per group along a time axis: dates and timestamps spaced by time, not by rank. */
import type { Row } from "../../client/mod.ts";
import { readableFloat } from "../format.ts";
import { timeOf, timeTicks } from "../time_axis.ts";

const W = 640;
const H = 160;
const LEFT = 56;
const BOTTOM = 22;

export function TimeBars(
  { rows, time, measure }: { rows: Row[]; time: string; measure: string },
) {
  const points = rows.flatMap((r) => {
    const t = timeOf(r[time]);
    return t === null
      ? []
      : [{ t, v: Number(r[measure] ?? 0), label: String(r[time]) }];
  });
  if (points.length === 0) return <p class="muted">No dated groups.</p>;
  const lo = points[0]!.t;
  const hi = points[points.length - 1]!.t;
  const max = Math.max(1e-300, ...points.map((p) => Math.abs(p.v)));
  const plotW = W - LEFT - 10;
  const x = (t: number) =>
    LEFT + (hi === lo ? plotW / 2 : ((t - lo) / (hi - lo)) * plotW);
  const barW = Math.max(1, Math.min(24, plotW / points.length - 1));
  return (
    <svg
      viewBox={`0 0 ${W} ${H + BOTTOM}`}
      style={{ maxHeight: "240px" }}
      data-testid="time-bars"
      role="img"
      aria-label={`${measure} over ${time}`}
    >
      {points.map((p) => {
        const h = (Math.abs(p.v) / max) * H;
        return (
          <rect
            class="bar"
            x={x(p.t) - barW / 2}
            y={H - h}
            width={barW}
            height={h}
            data-value={p.v}
          >
            <title>{`${p.label}: ${p.v}`}</title>
          </rect>
        );
      })}
      <line class="axis" x1={LEFT} x2={W - 10} y1={H + 0.5} y2={H + 0.5} />
      <g data-testid="time-axis">
        {timeTicks(lo, hi).map((tick) => (
          <text x={x(tick.at)} y={H + 16} font-size="11" text-anchor="middle">
            {tick.label}
          </text>
        ))}
      </g>
      <text x={LEFT - 6} y="10" font-size="11" text-anchor="end">
        {readableFloat(max)}
      </text>
    </svg>
  );
}
