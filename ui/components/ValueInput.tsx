/** The value of one filter, as the input its column type and operator call for. */
import type { Op } from "../../client/mod.ts";
import { inputType } from "../state.ts";
import { Select } from "./Select.tsx";

export function ValueInput(
  { op, type, value, onChange }: {
    op: Op;
    /** The column's API.md type name. */
    type: string;
    value: string;
    onChange: (value: string) => void;
  },
) {
  if (op === "is_null" || op === "is_not_null") return null;
  if (type === "bool" && op !== "in") {
    return (
      <Select value={value} options={["true", "false"]} onChange={onChange} />
    );
  }
  return (
    <input
      {
        // Preact types `type` per literal; this one is chosen at run time.
        ...{ type: op === "in" ? "text" : inputType(type) } as { type: "text" }
      }
      step="any"
      placeholder={op === "in" ? "a, b, c" : type}
      value={value}
      onInput={(e) => onChange((e.target as HTMLInputElement).value)}
    />
  );
}
