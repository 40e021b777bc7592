/** A source's fingerprint: changes whenever its file list, sizes or versions change. */
import type { ObjectInfo } from "./types.ts";

/** sha-256 hex of every object's (path, size, version), in the given order. */
export function fingerprintOf(objects: ObjectInfo[]): Promise<string> {
  return sha256Hex(
    JSON.stringify(objects.map((o) => [o.path, o.size, o.version])),
  );
}

/** sha-256 of a text, as hex. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}
