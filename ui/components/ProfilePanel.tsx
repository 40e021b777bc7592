/** A column's profile in a side panel: counts, range, histogram and top values. */
import { useEffect, useState } from "preact/hooks";
import type { ColumnProfile, DataPressClient } from "../../client/mod.ts";
import { type ApiErr, errOf } from "../api_error.ts";
import { formatCount, showValue } from "../format.ts";
import type { Column } from "../row_source.ts";
import { Histogram } from "./Histogram.tsx";
import { TopValues } from "./TopValues.tsx";

function percent(part: number, whole: number): string {
  return whole === 0 ? "0 %" : `${(100 * part / whole).toFixed(1)} %`;
}

export function ProfilePanel(
  { client, dataset, column, onClose }: {
    client: DataPressClient;
    dataset: string;
    column: Column;
    onClose: () => void;
  },
) {
  const [profile, setProfile] = useState<ColumnProfile | null>(null);
  const [err, setErr] = useState<ApiErr | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    setProfile(null);
    setErr(null);
    client.profile(dataset, column.name, { signal: ctrl.signal })
      .then(setProfile)
      .catch((e) => ctrl.signal.aborted || setErr(errOf(e)));
    return () => ctrl.abort();
  }, [client, dataset, column.name]);

  const shown = (v: unknown) => {
    const s = showValue(v, column.type);
    return (
      <span title={s.exact} class={s.kind === "null" ? "muted" : ""}>
        {s.text}
      </span>
    );
  };

  return (
    <aside
      class="drawer"
      data-testid="profile"
      aria-label={`Profile of ${column.name}`}
    >
      <header>
        <h3>{column.name}</h3>
        <button
          type="button"
          class="link"
          data-testid="profile-close"
          onClick={onClose}
        >
          ×
        </button>
      </header>
      <div class="muted">{column.type}</div>
      {err && <div class="error">{err.message}</div>}
      {!profile && !err && <p class="muted">Profiling…</p>}
      {profile && (
        <>
          <dl class="stats" data-testid="profile-stats">
            <dt>rows</dt>
            <dd>{formatCount(profile.rows)}</dd>
            <dt>nulls</dt>
            <dd data-testid="profile-nulls">
              {formatCount(profile.nulls)}{" "}
              ({percent(profile.nulls, profile.rows)})
            </dd>
            <dt>distinct ≈</dt>
            <dd data-testid="profile-distinct">
              {formatCount(profile.distinct_approx)}
            </dd>
            <dt>min</dt>
            <dd data-testid="profile-min">{shown(profile.min)}</dd>
            <dt>max</dt>
            <dd data-testid="profile-max">{shown(profile.max)}</dd>
          </dl>
          {profile.histogram && profile.histogram.length > 0 && (
            <Histogram bins={profile.histogram} type={column.type} />
          )}
          {profile.top.length > 0 && (
            <TopValues
              top={profile.top}
              type={column.type}
              of={profile.rows - profile.nulls}
            />
          )}
        </>
      )}
    </aside>
  );
}
