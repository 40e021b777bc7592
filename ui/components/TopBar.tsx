/** Above the grid: the dataset, what narrows the answer, the running query, the builder and exports. */
import type { ComponentChildren } from "preact";

export function TopBar(
  { dataset, builderOpen, onToggleBuilder, children, status, exports }: {
    dataset: string;
    builderOpen: boolean;
    onToggleBuilder: () => void;
    /** The chips. */
    children: ComponentChildren;
    status: ComponentChildren;
    exports: ComponentChildren;
  },
) {
  return (
    <header class="topbar">
      <span class="title" data-testid="title">{dataset}</span>
      {children}
      <span class="spacer" />
      {status}
      <button
        type="button"
        data-testid="builder-toggle"
        aria-expanded={builderOpen}
        onClick={onToggleBuilder}
      >
        {builderOpen ? "Hide builder" : "Query builder"}
      </button>
      {exports}
    </header>
  );
}
