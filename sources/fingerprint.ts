/** A source's fingerprint: changes whenever its file list, sizes or versions change. */
import type { ObjectInfo } from "./types.ts";

/** sha-256 hex of every object's (path, size, version), in the given order. */
export async function fingerprintOf(objects: ObjectInfo[]): Promise<string> {
  const text = JSON.stringify(objects.map((o) => [o.path, o.size, o.version]));
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}
