/**
 * Values as people read them: digit grouping, floats at a readable
 * precision, readable timestamps, visible nulls, long and nested values
 * cut short. `exact` keeps the value as the server sent it, for the
 * tooltip, the detail view and copying.
 */

type ValueKind = "null" | "number" | "text" | "nested" | "bool" | "time";

export interface Shown {
  text: string;
  exact: string;
  kind: ValueKind;
  /** `text` is a cut-down form of `exact`. */
  truncated: boolean;
}

/** Characters of text or nested values shown in a cell before "…". */
const CELL_CHARS = 120;

// The reader's locale decides the separators.
const grouped = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const parts = grouped.formatToParts(1234567.5);
const GROUP = parts.find((p) => p.type === "group")?.value ?? ",";
const POINT = new Intl.NumberFormat().formatToParts(0.5)
  .find((p) => p.type === "decimal")?.value ?? ".";
const upTo = (decimals: number) =>
  new Intl.NumberFormat(undefined, { maximumFractionDigits: decimals });
const [LARGE, UNIT, SMALL] = [upTo(2), upTo(4), upTo(6)];

function isInteger(type: string): boolean {
  return /^u?int\d+$/.test(type);
}

/**
 * Digit groups in a number's exact text, however long (int64 beyond 2^53
 * and decimals come as strings): `-1234567.50` → `-1,234,567.50`.
 */
export function groupDigits(exact: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(exact);
  if (!m) return exact;
  const whole = m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, GROUP);
  return m[1] + whole + (m[3] === undefined ? "" : POINT + m[3]);
}

/**
 * A float with as many decimals as its size makes useful; exponent form
 * for magnitudes where fixed decimals would hide the value.
 */
export function readableFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e15)) {
    return v.toExponential(3).replace(/\.?0+e/, "e");
  }
  return (a >= 1000 ? LARGE : a >= 1 ? UNIT : SMALL).format(v);
}

/** `2021-06-01T00:00:00Z` → `2021-06-01 00:00:00 UTC`; zone-less values keep no zone. */
export function readableTimestamp(s: string): string {
  return s.replace("T", " ").replace(/Z$/, " UTC");
}

function cut(s: string): { text: string; truncated: boolean } {
  return s.length > CELL_CHARS
    ? { text: s.slice(0, CELL_CHARS) + "…", truncated: true }
    : { text: s, truncated: false };
}

/** How a value of an API.md type name is shown in a cell. */
export function showValue(v: unknown, type: string): Shown {
  if (v === null || v === undefined) {
    return { text: "null", exact: "", kind: "null", truncated: false };
  }
  if (typeof v === "object") {
    const exact = JSON.stringify(v);
    return { ...cut(exact), exact, kind: "nested" };
  }
  const exact = String(v);
  if (isInteger(type)) {
    const text = typeof v === "number" ? grouped.format(v) : groupDigits(exact);
    return { text, exact, kind: "number", truncated: false };
  }
  if (type.startsWith("float")) {
    const n = typeof v === "number" ? v : Number(v);
    return { text: readableFloat(n), exact, kind: "number", truncated: false };
  }
  if (type.startsWith("decimal")) {
    return {
      text: groupDigits(exact),
      exact,
      kind: "number",
      truncated: false,
    };
  }
  if (type.startsWith("timestamp")) {
    return {
      text: readableTimestamp(exact),
      exact,
      kind: "time",
      truncated: false,
    };
  }
  if (type === "date" || type === "time") {
    return { text: exact, exact, kind: "time", truncated: false };
  }
  if (type === "bool") {
    return { text: exact, exact, kind: "bool", truncated: false };
  }
  return { ...cut(exact), exact, kind: "text" };
}

/** Whether a column of this type lines up on the right (numbers). */
export function rightAligned(type: string): boolean {
  return isInteger(type) || type.startsWith("float") ||
    type.startsWith("decimal");
}

/** A count as a grouped integer: `2,000,000`. */
export function formatCount(n: number): string {
  return grouped.format(n);
}

/** A duration for the status line: `850 ms`, `1.2 s`. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
