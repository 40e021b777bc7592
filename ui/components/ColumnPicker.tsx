/** The Columns fieldset: which columns a plain query returns, and distinct. */
import type { ApiErr } from "../api_error.ts";
import { ColumnChecks } from "./ColumnChecks.tsx";
import { FieldError } from "./FieldError.tsx";

export function ColumnPicker(
  { names, columns, distinct, onChange, err }: {
    names: string[];
    columns: string[];
    distinct: boolean;
    onChange: (patch: { columns?: string[]; distinct?: boolean }) => void;
    err: ApiErr | null;
  },
) {
  return (
    <fieldset>
      <legend>Columns</legend>
      <ColumnChecks
        names={names}
        checked={columns}
        onChange={(columns) => onChange({ columns })}
      />
      <label>
        <input
          type="checkbox"
          checked={distinct}
          onChange={(e) =>
            onChange({ distinct: (e.target as HTMLInputElement).checked })}
        />
        distinct
      </label>
      <FieldError err={err} path="columns" />
    </fieldset>
  );
}
