/**
 * Turning the paths a Delta log holds (URL-encoded, relative to the table
 * root, or absolute URIs) into keys of the table's ObjectStore.
 */

/** `root` joined with a `/`-separated relative path, without doubled slashes. */
export function joinPath(root: string, relative: string): string {
  if (root === "") return relative;
  return root.endsWith("/") ? root + relative : `${root}/${relative}`;
}

/**
 * The store key of a path written in the log: a URL-encoded path relative
 * to the table root, or an absolute URI (`file:` for local tables, `s3://`
 * for buckets, where the key is the part after the bucket). Returns null for
 * a URI scheme the store cannot address.
 */
export function resolveLogPath(root: string, logPath: string): string | null {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(logPath)?.[1]
    ?.toLowerCase();
  if (scheme === undefined || scheme.length === 1) {
    // A one-letter "scheme" is a Windows drive letter, never a URI.
    return joinPath(root, safeDecode(logPath));
  }
  let url: URL;
  try {
    url = new URL(logPath);
  } catch {
    return null;
  }
  if (scheme === "file") return safeDecode(url.pathname);
  if (scheme === "s3" || scheme === "s3a" || scheme === "s3n") {
    return safeDecode(url.pathname.replace(/^\//, ""));
  }
  return null;
}

/** decodeURIComponent that keeps text with a stray `%` as written. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The path relative to the table root, for messages that must not show absolute paths. */
export function displayPath(root: string, key: string): string {
  const prefix = root.endsWith("/") ? root : `${root}/`;
  if (key.startsWith(prefix)) return key.slice(prefix.length);
  const slash = key.lastIndexOf("/");
  return slash >= 0 ? key.slice(slash + 1) : key;
}
