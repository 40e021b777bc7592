/** A bar chart of grouped results: the first aggregation per group, in plain SVG. */
import type { QueryPage } from "../../client/mod.ts";

export function Chart({ page, groups }: { page: QueryPage; groups: string[] }) {
  const measure = page.columns[groups.length]!.name;
  const bars = page.rows.slice(0, 50).map((r) => ({
    label: groups.map((g) => String(r[g] ?? "∅")).join(" / "),
    value: Number(r[measure]) || 0,
  }));
  const max = Math.max(1, ...bars.map((b) => Math.abs(b.value)));
  const h = 22;
  return (
    <svg
      class="chart"
      data-testid="chart"
      width="100%"
      height={bars.length * h + 10}
      viewBox={`0 0 600 ${bars.length * h + 10}`}
    >
      {bars.map((b, i) => (
        <g transform={`translate(0 ${i * h + 5})`}>
          <text x="150" y="14" text-anchor="end" font-size="12">
            {b.label.slice(0, 24)}
          </text>
          <rect
            x="158"
            y="2"
            height={h - 6}
            width={(Math.abs(b.value) / max) * 380}
            fill="#3b82f6"
          />
          <text x={162 + (Math.abs(b.value) / max) * 380} y="14" font-size="11">
            {b.value.toLocaleString()}
          </text>
        </g>
      ))}
      <title>{measure} by {groups.join(", ")}</title>
    </svg>
  );
}
