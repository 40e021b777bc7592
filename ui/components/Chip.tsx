/** A removable chip: a label and its × button. */
export function Chip(
  { label, testId, onRemove }: {
    label: string;
    testId: string;
    onRemove: () => void;
  },
) {
  return (
    <span class="chip" data-testid={testId}>
      {label}
      <button
        type="button"
        title="Remove"
        aria-label={`Remove ${label}`}
        onClick={onRemove}
      >
        ×
      </button>
    </span>
  );
}
