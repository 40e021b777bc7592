/**
 * LIKE / ILIKE matching as DuckDB does it: `%` any run, `_` one code point,
 * `\` escapes the next character, ILIKE compares DuckDB-lowercased text.
 * Patterns compile to segments matched without RegExp, so no pattern can
 * inject regex syntax or backtrack exponentially: a match is O(text × pattern).
 */
import { ApiError } from "../data/errors.ts";

/** `_` in a segment; every other token is a UTF-16 code unit. */
const ANY = -1;

/**
 * DuckDB's lower(): one code point at a time with the simple case mapping,
 * so no context rules (final sigma) and no expansion (U+0130 → "i").
 */
export function duckLower(s: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  let out = "";
  for (const ch of s) {
    const l = ch.toLowerCase();
    out += l.length === ch.length ? l : String.fromCodePoint(l.codePointAt(0)!);
  }
  return out;
}

function isLowSurrogateAfterHigh(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0xdc00 || c > 0xdfff || i === 0) return false;
  const p = s.charCodeAt(i - 1);
  return p >= 0xd800 && p <= 0xdbff;
}

/** End of `seg` matched at `pos`, or -1. */
function matchAt(s: string, pos: number, seg: number[]): number {
  for (const t of seg) {
    if (pos >= s.length) return -1;
    if (t === ANY) {
      const c = s.charCodeAt(pos);
      const d = s.charCodeAt(pos + 1);
      pos += c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
    } else if (s.charCodeAt(pos++) !== t) return -1;
  }
  return pos;
}

function compile(pattern: string, path: string): number[][] {
  const segs: number[][] = [[]];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const seg = segs[segs.length - 1]!;
    if (c === "\\") {
      const next = chars[++i];
      if (next === undefined) {
        throw new ApiError(
          400,
          "invalid_value",
          "a like pattern was being read: it must not end with the escape character \\",
          path,
        );
      }
      for (let k = 0; k < next.length; k++) seg.push(next.charCodeAt(k));
    } else if (c === "%") segs.push([]);
    else if (c === "_") seg.push(ANY);
    else for (let k = 0; k < c.length; k++) seg.push(c.charCodeAt(k));
  }
  return segs;
}

function matches(s: string, segs: number[][]): boolean {
  if (segs.length === 1) return matchAt(s, 0, segs[0]!) === s.length;
  let pos = matchAt(s, 0, segs[0]!);
  if (pos < 0) return false;
  for (let k = 1; k < segs.length - 1; k++) {
    const seg = segs[k]!;
    if (seg.length === 0) continue;
    let end = -1;
    // The leftmost match ends earliest (each token takes one code point).
    for (let p = pos; p < s.length && end < 0; p++) {
      if (!isLowSurrogateAfterHigh(s, p)) end = matchAt(s, p, seg);
    }
    if (end < 0) return false;
    pos = end;
  }
  const last = segs[segs.length - 1]!;
  if (last.length === 0) return true;
  for (let p = pos; p <= s.length; p++) {
    if (!isLowSurrogateAfterHigh(s, p) && matchAt(s, p, last) === s.length) {
      return true;
    }
  }
  return false;
}

/** A matcher for `pattern`; throws a 400 (at `path`) for a malformed pattern. */
export function likeMatcher(
  pattern: string,
  caseInsensitive: boolean,
  path = "predicates",
): (s: string) => boolean {
  if (!caseInsensitive) {
    const segs = compile(pattern, path);
    return (s) => matches(s, segs);
  }
  const segs = compile(duckLower(pattern), path);
  return (s) => matches(duckLower(s), segs);
}
