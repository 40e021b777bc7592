/**
 * The rows of an editable list (filters, order keys, aggregations): each
 * row's own fields, a remove button and the API error aimed at that row,
 * then a button that appends a new row.
 */
import type { ComponentChildren } from "preact";
import type { ApiErr } from "../api_error.ts";
import { FieldError } from "./FieldError.tsx";

export function ListEditor<T>(
  {
    items,
    onChange,
    fields,
    newItem,
    addLabel,
    testId,
    addTestId,
    errPath,
    err,
  }: {
    items: T[];
    onChange: (items: T[]) => void;
    /** The inputs of one row; `set` patches that row. */
    fields: (item: T, set: (patch: Partial<T>) => void) => ComponentChildren;
    newItem: () => T;
    addLabel: string;
    testId: string;
    addTestId: string;
    /** The request body's list this one becomes, e.g. `predicates`. */
    errPath: string;
    err: ApiErr | null;
  },
) {
  return (
    <>
      {items.map((item, i) => (
        <div class="row" data-testid={testId}>
          {fields(item, (patch) =>
            onChange(
              items.map((x, j) => j === i ? { ...x, ...patch } : x),
            ))}
          <button
            type="button"
            onClick={() => onChange(items.filter((_, j) => j !== i))}
          >
            ×
          </button>
          <FieldError err={err} path={`${errPath}[${i}]`} />
        </div>
      ))}
      <button
        type="button"
        data-testid={addTestId}
        onClick={() => onChange([...items, newItem()])}
      >
        {addLabel}
      </button>
    </>
  );
}
