/**
 * A chart of a grouped answer, fetched on its own: the chosen aggregate
 * per group as bars sorted by value, or along a time axis when the one
 * group column is a date or timestamp.
 */
import { useEffect, useState } from "preact/hooks";
import type { DataPressClient, QueryBody, Row } from "../../client/mod.ts";
import { type ApiErr, errOf } from "../api_error.ts";
import type { Column } from "../row_source.ts";
import { Select } from "./Select.tsx";
import { TimeBars } from "./TimeBars.tsx";
import { ValueBars } from "./ValueBars.tsx";

/** Bars of the largest groups shown when groups have no time order. */
const TOP_GROUPS = 25;
/** Points of a time axis; more than a chart this wide can show. */
const TIME_POINTS = 2000;

export function GroupChart(
  { client, dataset, body, groups, measures }: {
    client: DataPressClient;
    dataset: string;
    /** The grouped query, without paging or order. */
    body: QueryBody;
    /** The group columns. */
    groups: Column[];
    /** The aggregate outputs a chart can show. */
    measures: string[];
  },
) {
  const [measure, setMeasure] = useState(measures[0] ?? "");
  const [rows, setRows] = useState<Row[] | null>(null);
  const [err, setErr] = useState<ApiErr | null>(null);
  const time = groups.length === 1 &&
      (groups[0]!.type === "date" || groups[0]!.type.startsWith("timestamp"))
    ? groups[0]!
    : null;
  const chosen = measures.includes(measure) ? measure : measures[0] ?? "";

  useEffect(() => {
    if (!chosen) return;
    const ctrl = new AbortController();
    setErr(null);
    client.queryJson(
      dataset,
      time
        ? {
          ...body,
          order_by: [{ col: time.name, dir: "asc" }],
          page_size: TIME_POINTS,
        }
        : {
          ...body,
          order_by: [{ col: chosen, dir: "desc" }],
          page_size: TOP_GROUPS,
        },
      { signal: ctrl.signal },
    ).then((p) => setRows(p.rows)).catch((e) =>
      ctrl.signal.aborted || setErr(errOf(e))
    );
    return () => ctrl.abort();
  }, [client, dataset, JSON.stringify(body), chosen, time?.name]);

  if (!chosen) return null;
  return (
    <section class="chart" data-testid="group-chart">
      <div class="row">
        <label>
          Chart{" "}
          <Select value={chosen} options={measures} onChange={setMeasure} />
        </label>
        <span class="muted">
          {time
            ? `by ${time.name} over time`
            : `by ${groups.map((g) => g.name).join(", ")}, largest first`}
        </span>
      </div>
      {err && <div class="error">{err.message}</div>}
      {rows && (time
        ? <TimeBars rows={rows} time={time.name} measure={chosen} />
        : (
          <ValueBars
            rows={rows}
            groups={groups.map((g) => g.name)}
            measure={chosen}
          />
        ))}
    </section>
  );
}
