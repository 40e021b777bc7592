/** One filter on one column, from its header menu; Enter applies it. */
import { useEffect, useRef, useState } from "preact/hooks";
import type { Op } from "../../client/mod.ts";
import type { Column } from "../row_source.ts";
import { opsFor, type PredicateRow } from "../state.ts";
import { Select } from "./Select.tsx";
import { ValueInput } from "./ValueInput.tsx";

export function QuickFilter(
  { column, onApply }: {
    column: Column;
    onApply: (p: PredicateRow) => void;
  },
) {
  const ops = opsFor(column.type);
  const [op, setOp] = useState<Op>(ops[0]!);
  const [val, setVal] = useState(column.type === "bool" ? "true" : "");
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => ref.current?.querySelector("input")?.focus(), []);
  return (
    <form
      ref={ref}
      class="quick-filter"
      data-testid="quick-filter"
      onSubmit={(e) => {
        e.preventDefault();
        onApply({ col: column.name, op, val });
      }}
    >
      <Select value={op} options={ops} onChange={setOp} />
      <ValueInput op={op} type={column.type} value={val} onChange={setVal} />
      <button type="submit" class="primary" data-testid="quick-filter-apply">
        Apply
      </button>
    </form>
  );
}
