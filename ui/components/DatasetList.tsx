/** The datasets to choose from; choosing one (the open one too) starts a new query on it. */
import type { DatasetInfo } from "../../client/mod.ts";
import { formatCount } from "../format.ts";

export function DatasetList(
  { datasets, active, onOpen }: {
    datasets: DatasetInfo[];
    active: string;
    onOpen: (name: string) => void;
  },
) {
  return (
    <ul class="datasets" data-testid="datasets">
      {datasets.map((d) => (
        <li key={d.name} class={d.name === active ? "active" : ""}>
          <button
            type="button"
            title={d.description || d.name}
            onClick={() =>
              onOpen(d.name)}
          >
            <div class="name">{d.name}</div>
            <div class="muted">
              {d.rows === null ? "loading" : `${formatCount(d.rows)} rows`}
              {d.version !== null && ` · v${d.version}`}
            </div>
            {d.description && <div class="desc muted">{d.description}</div>}
          </button>
        </li>
      ))}
    </ul>
  );
}
