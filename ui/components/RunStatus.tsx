/** While a query runs: its elapsed time and Cancel (Esc); after it, how long it took. */
import { useEffect, useState } from "preact/hooks";
import { formatMs } from "../format.ts";

export function RunStatus(
  { startedAt, lastMs, onCancel }: {
    /** performance.now() when the running query started; null when none runs. */
    startedAt: number | null;
    /** How long the last finished query took. */
    lastMs: number | null;
    onCancel: () => void;
  },
) {
  const [now, setNow] = useState(performance.now());
  useEffect(() => {
    if (startedAt === null) return;
    setNow(performance.now());
    const timer = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(timer);
  }, [startedAt]);

  if (startedAt === null) {
    return (
      <span class="run-status muted" data-testid="run-status">
        {lastMs === null ? "" : `took ${formatMs(lastMs)}`}
      </span>
    );
  }
  return (
    <span class="run-status" data-testid="run-status" role="status">
      <span class="spinner" />
      <span data-testid="elapsed">
        Running… {formatMs(Math.max(0, now - startedAt))}
      </span>
      <button type="button" data-testid="cancel" title="Esc" onClick={onCancel}>
        Cancel
      </button>
    </span>
  );
}
