/** The Order fieldset: sort keys over columns and aggregation outputs. */
import type { ApiErr } from "../api_error.ts";
import type { OrderRow } from "../state.ts";
import { ListEditor } from "./ListEditor.tsx";
import { Select } from "./Select.tsx";

const DIRECTIONS = ["asc", "desc"] as const;

export function OrderEditor(
  { orderBy, onChange, names, err }: {
    orderBy: OrderRow[];
    onChange: (orderBy: OrderRow[]) => void;
    /** What a query can be ordered by: columns, then aggregation outputs. */
    names: string[];
    err: ApiErr | null;
  },
) {
  return (
    <fieldset>
      <legend>Order</legend>
      <ListEditor<OrderRow>
        items={orderBy}
        onChange={onChange}
        fields={(o, set) => (
          <>
            <Select
              value={o.col}
              options={names}
              onChange={(col) => set({ col })}
            />
            <Select
              value={o.dir}
              options={DIRECTIONS}
              onChange={(dir) => set({ dir })}
            />
          </>
        )}
        newItem={() => ({ col: names[0]!, dir: "asc" })}
        addLabel="+ order"
        testId="order"
        addTestId="add-order"
        errPath="order_by"
        err={err}
      />
    </fieldset>
  );
}
