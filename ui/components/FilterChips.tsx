/**
 * What narrows or reshapes the answer, one removable chip each: filters,
 * grouping, distinct, hidden columns and the row limit.
 */
import type { UiState } from "../state.ts";
import { Chip } from "./Chip.tsx";

const OP_TEXT: Record<string, string> = {
  eq: "=",
  neq: "≠",
  gt: ">",
  gte: "≥",
  lt: "<",
  lte: "≤",
  like: "like",
  ilike: "ilike",
  in: "in",
  is_null: "is null",
  is_not_null: "is not null",
};

export function FilterChips(
  { state, hidden, onChange }: {
    state: UiState;
    /** Columns of the dataset not shown. */
    hidden: number;
    onChange: (patch: Partial<UiState>) => void;
  },
) {
  return (
    <div class="chips" data-testid="chips">
      {state.predicates.map((p, i) => (
        <Chip
          key={`p${i}`}
          testId="filter-chip"
          label={`${p.col} ${OP_TEXT[p.op]}${
            p.op === "is_null" || p.op === "is_not_null" ? "" : ` ${p.val}`
          }`}
          onRemove={() =>
            onChange({
              predicates: state.predicates.filter((_, j) => j !== i),
            })}
        />
      ))}
      {state.groupBy.length > 0 && (
        <Chip
          testId="group-chip"
          label={`grouped by ${state.groupBy.join(", ")}`}
          onRemove={() =>
            onChange({ groupBy: [], aggregations: [], orderBy: [] })}
        />
      )}
      {state.distinct && state.groupBy.length === 0 && (
        <Chip
          testId="distinct-chip"
          label="distinct rows"
          onRemove={() => onChange({ distinct: false })}
        />
      )}
      {hidden > 0 && state.groupBy.length === 0 && (
        <Chip
          testId="hidden-chip"
          label={`${hidden} hidden`}
          onRemove={() => onChange({ columns: [] })}
        />
      )}
      {state.limit.trim() !== "" && (
        <Chip
          testId="limit-chip"
          label={`first ${state.limit} rows`}
          onRemove={() => onChange({ limit: "" })}
        />
      )}
    </div>
  );
}
