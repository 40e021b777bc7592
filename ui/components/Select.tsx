/** A drop-down over plain string values. */
export function Select<T extends string>(
  { value, options, label, onChange }: {
    value: T;
    options: readonly T[];
    /** The text shown for a value, when it is not the value itself. */
    label?: (value: T) => string;
    onChange: (value: T) => void;
  },
) {
  return (
    <select
      value={value}
      onChange={(e) => onChange((e.target as HTMLSelectElement).value as T)}
    >
      {options.map((o) => (
        <option key={o} value={o}>{label ? label(o) : o}</option>
      ))}
    </select>
  );
}
