/** Glob patterns over `/`-separated paths: `*`, `**`, `?`, `[abc]`. */

export function isGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/**
 * The directory part before the first glob character: what to list.
 * `""` when the pattern starts with one (a bucket-relative key), `"/"` for
 * `/*.parquet`.
 */
export function globRoot(pattern: string): string {
  const first = pattern.search(/[*?[]/);
  const cut = pattern.lastIndexOf("/", first);
  return cut < 0 ? "" : cut === 0 ? "/" : pattern.slice(0, cut);
}

/**
 * A matcher for whole paths: `*` and `?` stay within one segment, `**` followed by a slash
 * spans any number of directories (zero included), `[abc]`, `[a-z]` and
 * `[!abc]` match one character of a segment.
 */
export function globMatcher(pattern: string): (path: string) => boolean {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      i++;
      if (pattern[i + 1] === "/") {
        i++;
        re += "(?:.*/)?";
      } else re += ".*";
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, "\\\\");
        const negated = body.startsWith("!") || body.startsWith("^");
        re += negated ? `(?!/)[^${body.slice(1)}]` : `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  const rx = new RegExp(re + "$");
  return (p) => rx.test(p);
}
