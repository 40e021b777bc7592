/** The Group fieldset: the group-by columns and the aggregations per group. */
import type { ApiErr } from "../api_error.ts";
import { AGG_OPS, type AggRow } from "../state.ts";
import { ColumnChecks } from "./ColumnChecks.tsx";
import { FieldError } from "./FieldError.tsx";
import { ListEditor } from "./ListEditor.tsx";
import { Select } from "./Select.tsx";

export function GroupEditor(
  { names, groupBy, aggregations, onChange, err }: {
    names: string[];
    groupBy: string[];
    aggregations: AggRow[];
    onChange: (
      patch: { groupBy?: string[]; aggregations?: AggRow[] },
    ) => void;
    err: ApiErr | null;
  },
) {
  return (
    <fieldset>
      <legend>Group</legend>
      <ColumnChecks
        names={names}
        checked={groupBy}
        onChange={(groupBy) => onChange({ groupBy })}
        testIdPrefix="group"
      />
      <ListEditor<AggRow>
        items={aggregations}
        onChange={(aggregations) => onChange({ aggregations })}
        fields={(a, set) => (
          <>
            <Select
              value={a.op}
              options={AGG_OPS}
              onChange={(op) => set({ op })}
            />
            <Select
              value={a.col}
              options={["", ...names]}
              label={(col) => col || "(rows)"}
              onChange={(col) => set({ col })}
            />
            <input
              placeholder="alias"
              value={a.alias}
              onInput={(e) =>
                set({ alias: (e.target as HTMLInputElement).value })}
            />
          </>
        )}
        newItem={() => ({ op: "count", col: "", alias: "" })}
        addLabel="+ aggregation"
        testId="aggregation"
        addTestId="add-agg"
        errPath="aggregations"
        err={err}
      />
      <FieldError err={err} path="aggregations" />
      <FieldError err={err} path="group_by" />
    </fieldset>
  );
}
