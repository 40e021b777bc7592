/** The served datasets; choosing one starts a new query on it. */
import type { DatasetInfo } from "../../client/mod.ts";

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
        <li class={d.name === active ? "active" : ""}>
          <a
            href="#"
            onClick={(e) => {
              e.preventDefault();
              onOpen(d.name);
            }}
          >
            {d.name}
          </a>
          <span class="muted">
            {d.rows?.toLocaleString() ?? "loading"} rows · {d.engine}
          </span>
          {d.description && <div class="muted">{d.description}</div>}
        </li>
      ))}
    </ul>
  );
}
