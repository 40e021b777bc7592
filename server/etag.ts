/**
 * Strong validators for answers: FNV-1a (two 32-bit lanes) over the dataset
 * name, version and load time, the normalised request and the format. ETags
 * need to be stable and distinct, not secret, so a fast synchronous hash
 * beats SHA-256 here.
 */
import type { Published } from "./registry.ts";

interface HashState {
  h1: number;
  h2: number;
  length: number;
}

/** The hash after the parts fixed for a published version. */
interface Seed extends HashState {
  name: string;
}

const seeds = new WeakMap<Published, Seed>();

// NUL separates the parts: no dataset name or format contains one, and in
// the JSON key it is escaped.
function mix(s: HashState, text: string): void {
  let h1 = s.h1, h2 = s.h2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h1 >>> 7);
  }
  h1 = Math.imul(h1, 0x01000193);
  s.h1 = h1;
  s.h2 = Math.imul(h2, 0x01000193) ^ (h1 >>> 7);
  s.length += text.length + 1;
}

function seed(p: Published, name: string): Seed {
  let s = seeds.get(p);
  if (s === undefined || s.name !== name) {
    s = { name, h1: 0x811c9dc5, h2: 0xcbf29ce4, length: 0 };
    mix(s, name);
    mix(s, String(p.version));
    mix(s, p.loadedAt);
    seeds.set(p, s);
  }
  return s;
}

/** The quoted ETag of the answer to `key` (a normalised request) in format `fmt`. */
export function answerEtag(
  p: Published,
  name: string,
  key: string,
  fmt: string,
): string {
  const s0 = seed(p, name);
  const s: HashState = { h1: s0.h1, h2: s0.h2, length: s0.length };
  mix(s, key);
  mix(s, fmt);
  return `${quotedHex(s.h1 >>> 0, s.h2 >>> 0)}-${s.length}"`;
}

const HEX = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

/** `"` and both lanes as 16 hex digits (Number#toString(16) costs ten times more). */
function quotedHex(a: number, b: number): string {
  return String.fromCharCode(
    0x22,
    HEX[a >>> 28]!,
    HEX[(a >>> 24) & 15]!,
    HEX[(a >>> 20) & 15]!,
    HEX[(a >>> 16) & 15]!,
    HEX[(a >>> 12) & 15]!,
    HEX[(a >>> 8) & 15]!,
    HEX[(a >>> 4) & 15]!,
    HEX[a & 15]!,
    HEX[b >>> 28]!,
    HEX[(b >>> 24) & 15]!,
    HEX[(b >>> 20) & 15]!,
    HEX[(b >>> 16) & 15]!,
    HEX[(b >>> 12) & 15]!,
    HEX[(b >>> 8) & 15]!,
    HEX[(b >>> 4) & 15]!,
    HEX[b & 15]!,
  );
}
