/** The open dataset's columns and types; choosing one opens its profile. */
import type { SchemaInfo } from "../../client/mod.ts";
import type { Column } from "../row_source.ts";

export function SchemaPanel(
  { schema, onProfile }: {
    schema: SchemaInfo;
    onProfile: (column: Column) => void;
  },
) {
  return (
    <ul class="schema" data-testid="schema">
      {schema.columns.map((c) => (
        <li
          key={c.name}
          title={`Profile ${c.name}${c.indexed ? " (indexed)" : ""}`}
          onClick={() => onProfile({ name: c.name, type: c.type })}
        >
          <span>{c.name}</span>
          <span class="muted">{c.type}</span>
        </li>
      ))}
    </ul>
  );
}
