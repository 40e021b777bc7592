/**
 * The full query builder, one click from the grid. Edits stay a draft
 * until Run (or Enter), so a half-written filter never runs.
 */
import { useEffect, useState } from "preact/hooks";
import type { ApiErr } from "../api_error.ts";
import type { UiState } from "../state.ts";
import { QueryForm } from "./QueryForm.tsx";

export function BuilderPanel(
  { state, names, types, err, onRun }: {
    state: UiState;
    names: string[];
    types: Record<string, string>;
    err: ApiErr | null;
    onRun: (s: UiState) => void;
  },
) {
  const [draft, setDraft] = useState(state);
  // A query changed from the grid (sort, chips, menus) restarts the draft.
  useEffect(() => setDraft(state), [state]);
  return (
    <section class="builder" data-testid="builder">
      <QueryForm
        state={draft}
        update={(patch) => setDraft({ ...draft, ...patch })}
        names={names}
        types={types}
        err={err}
        onRun={() => onRun(draft)}
      />
    </section>
  );
}
