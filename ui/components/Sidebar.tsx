/**
 * The served datasets, narrowed by a filter box, and what is known of the
 * open one: its description, size, version, engine and columns.
 */
import { useMemo, useState } from "preact/hooks";
import type { DatasetInfo, SchemaInfo } from "../../client/mod.ts";
import type { Column } from "../row_source.ts";
import { DatasetDetails } from "./DatasetDetails.tsx";
import { DatasetList } from "./DatasetList.tsx";
import { SchemaPanel } from "./SchemaPanel.tsx";

export function Sidebar(
  { datasets, active, schema, onOpen, onProfile, children }: {
    datasets: DatasetInfo[];
    active: string;
    schema: SchemaInfo | null;
    onOpen: (name: string) => void;
    onProfile: (column: Column) => void;
    children?: preact.ComponentChildren;
  },
) {
  const [filter, setFilter] = useState("");
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    if (!f) return datasets;
    return datasets.filter((d) =>
      d.name.toLowerCase().includes(f) ||
      d.description.toLowerCase().includes(f)
    );
  }, [datasets, filter]);
  const open = datasets.find((d) => d.name === active);

  return (
    <aside class="sidebar">
      <h1>datapress</h1>
      {children}
      <input
        type="search"
        placeholder={`Filter ${datasets.length.toLocaleString()} datasets`}
        aria-label="Filter datasets"
        data-testid="dataset-filter"
        value={filter}
        onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
      />
      <DatasetList datasets={shown} active={active} onOpen={onOpen} />
      {shown.length === 0 && <p class="muted">No dataset matches.</p>}
      <div class="open-dataset">
        {open && <DatasetDetails info={open} />}
        {schema && (
          <>
            <h2>Columns</h2>
            <SchemaPanel schema={schema} onProfile={onProfile} />
          </>
        )}
      </div>
    </aside>
  );
}
