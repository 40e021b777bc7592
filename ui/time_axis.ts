/** Dates and timestamps (as query answers write them) on a time axis. */

/** Milliseconds since the epoch; zone-less timestamps are read as UTC wall-clock time. */
export function timeOf(v: unknown): number | null {
  if (typeof v !== "string") return null;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(v) || /Z$|[+-]\d{2}:\d{2}$/.test(v)
    ? v
    : `${v}Z`;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

const DAY = 86_400_000;

/** `count` evenly spaced ticks over [lo, hi], labelled at the precision the span needs. */
export function timeTicks(
  lo: number,
  hi: number,
  count = 6,
): { at: number; label: string }[] {
  const span = hi - lo;
  const cut = span > 3 * 365 * DAY
    ? 4
    : span > 90 * DAY
    ? 7
    : span > 3 * DAY
    ? 10
    : 16;
  const n = span === 0 ? 1 : count;
  return Array.from({ length: n }, (_, i) => {
    const at = lo + (span * i) / Math.max(1, n - 1);
    return {
      at,
      label: new Date(at).toISOString().slice(0, cut).replace("T", " "),
    };
  });
}
