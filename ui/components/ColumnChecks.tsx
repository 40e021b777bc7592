/** A checkbox per column name; the checked names keep the order they were checked in. */
export function ColumnChecks(
  { names, checked, onChange, testIdPrefix }: {
    names: string[];
    checked: string[];
    onChange: (checked: string[]) => void;
    /** Gives each checkbox the test id `{prefix}-{name}`. */
    testIdPrefix?: string;
  },
) {
  return (
    <div class="checks">
      {names.map((name) => (
        <label>
          <input
            type="checkbox"
            data-testid={testIdPrefix && `${testIdPrefix}-${name}`}
            checked={checked.includes(name)}
            onChange={(e) =>
              onChange(
                (e.target as HTMLInputElement).checked
                  ? [...checked, name]
                  : checked.filter((x) => x !== name),
              )}
          />
          {name}
        </label>
      ))}
    </div>
  );
}
