/**
 * The path of a request URL. Parsing a URL costs more than the rest of a
 * small request's routing, and a server sees the same few URLs over and
 * over, so parsed paths are remembered (a bounded table, emptied when full).
 */
const MAX_REMEMBERED = 512;
const MAX_URL_LENGTH = 256;
const paths = new Map<string, string>();

/** `new URL(url).pathname`, throwing as it does. */
export function pathnameOf(url: string): string {
  let path = paths.get(url);
  if (path === undefined) {
    path = new URL(url).pathname;
    if (url.length > MAX_URL_LENGTH) return path;
    if (paths.size >= MAX_REMEMBERED) paths.clear();
    paths.set(url, path);
  }
  return path;
}
