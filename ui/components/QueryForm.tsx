/** The query builder's form: every part of the request body but paging, and Run. */
import type { ApiErr } from "../api_error.ts";
import { aggOutputName, type UiState } from "../state.ts";
import { ColumnPicker } from "./ColumnPicker.tsx";
import { FieldError } from "./FieldError.tsx";
import { FilterEditor } from "./FilterEditor.tsx";
import { GroupEditor } from "./GroupEditor.tsx";
import { OrderEditor } from "./OrderEditor.tsx";

export function QueryForm(
  { state, update, names, types, err, onRun }: {
    state: UiState;
    update: (patch: Partial<UiState>) => void;
    /** The dataset's column names in schema order. */
    names: string[];
    types: Record<string, string>;
    err: ApiErr | null;
    onRun: () => void;
  },
) {
  return (
    <form
      class="builder"
      onSubmit={(e) => {
        e.preventDefault();
        onRun();
      }}
    >
      <ColumnPicker
        names={names}
        columns={state.columns}
        distinct={state.distinct}
        onChange={update}
        err={err}
      />
      <FilterEditor
        names={names}
        types={types}
        predicates={state.predicates}
        onChange={(predicates) => update({ predicates })}
        err={err}
      />
      <OrderEditor
        names={[...names, ...state.aggregations.map(aggOutputName)]}
        orderBy={state.orderBy}
        onChange={(orderBy) => update({ orderBy })}
        err={err}
      />
      <GroupEditor
        names={names}
        groupBy={state.groupBy}
        aggregations={state.aggregations}
        onChange={update}
        err={err}
      />
      <div class="row">
        <label>
          limit{" "}
          <input
            type="number"
            min="0"
            value={state.limit}
            onInput={(e) =>
              update({ limit: (e.target as HTMLInputElement).value })}
          />
        </label>
        <button type="submit" class="primary" data-testid="run">
          Run query
        </button>
        <span class="muted">Enter runs · Esc cancels</span>
      </div>
      <FieldError err={err} path="limit" />
    </form>
  );
}
