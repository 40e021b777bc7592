/** The Filters fieldset: one row per predicate. */
import type { ApiErr } from "../api_error.ts";
import { opsFor, type PredicateRow } from "../state.ts";
import { ListEditor } from "./ListEditor.tsx";
import { Select } from "./Select.tsx";
import { ValueInput } from "./ValueInput.tsx";

export function FilterEditor(
  { names, types, predicates, onChange, err }: {
    names: string[];
    /** Column name → API.md type name. */
    types: Record<string, string>;
    predicates: PredicateRow[];
    onChange: (predicates: PredicateRow[]) => void;
    err: ApiErr | null;
  },
) {
  return (
    <fieldset>
      <legend>Filters</legend>
      <ListEditor<PredicateRow>
        items={predicates}
        onChange={onChange}
        fields={(p, set) => {
          const type = types[p.col] ?? "string";
          return (
            <>
              <Select
                value={p.col}
                options={names}
                onChange={(col) => set({ col })}
              />
              <Select
                value={p.op}
                options={opsFor(type)}
                onChange={(op) => set({ op })}
              />
              <ValueInput
                op={p.op}
                type={type}
                value={p.val}
                onChange={(val) => set({ val })}
              />
            </>
          );
        }}
        newItem={() => ({ col: names[0]!, op: "eq", val: "" })}
        addLabel="+ filter"
        testId="predicate"
        addTestId="add-filter"
        errPath="predicates"
        err={err}
      />
    </fieldset>
  );
}
