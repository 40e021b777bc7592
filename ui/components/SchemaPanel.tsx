/** The open dataset's columns: name, type, nullability and index. */
import type { SchemaInfo } from "../../client/mod.ts";

export function SchemaPanel({ schema }: { schema: SchemaInfo }) {
  return (
    <table class="schema" data-testid="schema">
      <tbody>
        {schema.columns.map((c) => (
          <tr>
            <td>{c.name}</td>
            <td class="muted">
              {c.type}
              {c.nullable ? "" : " not null"}
            </td>
            <td>{c.indexed ? "indexed" : ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
