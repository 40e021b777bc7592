/** A profile's most frequent values, each with its count and share as a bar. */
import { formatCount, showValue } from "../format.ts";

export function TopValues(
  { top, type, of }: {
    top: { value: unknown; count: number }[];
    type: string;
    /** Non-null rows: what the bars are a share of. */
    of: number;
  },
) {
  return (
    <>
      <h4>Top values</h4>
      <ol class="top-values" data-testid="top-values">
        {top.map((t) => {
          const s = showValue(t.value, type);
          return (
            <li title={s.exact}>
              <span
                class="bar"
                style={{ width: `${(100 * t.count) / Math.max(1, of)}%` }}
              />
              <span>{s.text}</span>
              <span class="muted">{formatCount(t.count)}</span>
            </li>
          );
        })}
      </ol>
    </>
  );
}
