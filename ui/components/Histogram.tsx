/** A profile's histogram: one bar per bin, its range and count on hover. */
import { formatCount, showValue } from "../format.ts";

const W = 360;
const H = 120;

export function Histogram(
  { bins, type }: {
    bins: { lo: unknown; hi: unknown; count: number }[];
    type: string;
  },
) {
  const max = Math.max(1, ...bins.map((b) => b.count));
  const w = W / bins.length;
  const text = (v: unknown) => showValue(v, type).text;
  return (
    <figure class="histogram">
      <svg
        viewBox={`0 0 ${W} ${H + 30}`}
        data-testid="histogram"
        role="img"
        aria-label="histogram"
      >
        {bins.map((b, i) => {
          const h = (b.count / max) * H;
          return (
            <rect
              class="bar"
              x={i * w + 1}
              y={H - h}
              width={Math.max(1, w - 2)}
              height={h}
            >
              <title>
                {`${text(b.lo)} – ${text(b.hi)}: ${formatCount(b.count)}`}
              </title>
            </rect>
          );
        })}
        <line class="axis" x1="0" x2={W} y1={H + 0.5} y2={H + 0.5} />
        <text x="0" y={H + 16} font-size="11">{text(bins[0]!.lo)}</text>
        <text x={W} y={H + 16} font-size="11" text-anchor="end">
          {text(bins[bins.length - 1]!.hi)}
        </text>
      </svg>
    </figure>
  );
}
