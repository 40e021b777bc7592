/**
 * The answer cache: encoded answers (the bytes sent, compressed ones too)
 * of query and count requests, keyed by the published dataset version (the
 * `Published` a request leased: dataset, version and load), the normalised
 * request, the format and the content encoding. A reload publishes a new
 * `Published`, so the old version's answers are never found again and are
 * dropped once it is retired; a version kept for pinned requests keeps its
 * answers until then.
 *
 * A byte budget (`cache_bytes`, 0 disables) bounds it, least recently used
 * first out. Only complete 200 answers are stored: errors are thrown before
 * anything is put, and streamed exports never come here.
 */
import { compressBytes, type Encoding } from "./compress.ts";
import type { Published } from "./registry.ts";

/** What an entry costs beyond its body: key, headers, map slots. */
const OVERHEAD = 160;

/** A cached answer (`AnswerCache.find`); answer it with `AnswerCache.serve`. */
export interface CachedAnswer {
  /** The answer's ETag (the same for every encoding of it). */
  readonly etag: string;
}

interface Entry extends CachedAnswer {
  key: string;
  owner: Published;
  body: Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
  /**
   * The same headers as a Headers object: a Response copies those without
   * validating each name and value again, several microseconds a hit.
   */
  prepared: Headers;
  bytes: number;
}

/**
 * Marks responses whose body is final (content-encoded already, or meant to
 * stay as is). A property, not a WeakSet: a WeakSet entry per response
 * costs the collector more than the rest of a cached answer's bookkeeping.
 */
const ENCODED = Symbol("datapress.encoded");

/** Whether the response's body is final: no compression may be applied. */
export function isEncoded(res: Response): boolean {
  return (res as { [ENCODED]?: true })[ENCODED] === true;
}

export class AnswerCache {
  hits = 0;
  misses = 0;
  #bytes = 0;
  /** In least-recently-used-first order (a Map keeps insertion order). */
  #entries = new Map<string, Entry>();
  /** The keys held for each published version, to drop them on retirement. */
  #owners = new Map<Published, Set<string>>();
  /** A small number per published version, to keep keys short. */
  #ids = new WeakMap<Published, number>();
  #nextId = 0;

  constructor(readonly budget: number) {}

  get enabled(): boolean {
    return this.budget > 0;
  }

  /** Bytes held (bodies plus a per-entry overhead), retired versions dropped. */
  get bytes(): number {
    this.#sweep();
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * The cache key of an answer of `p`: the request key (normalised), the
   * format and the encoding (null: identity).
   */
  key(
    p: Published,
    request: string,
    format: string,
    enc: Encoding | null,
  ): string {
    let id = this.#ids.get(p);
    if (id === undefined) this.#ids.set(p, id = this.#nextId++);
    return `${id}\0${format}\0${enc ?? ""}\0${request}`;
  }

  /**
   * The answer cached under `key`, else the one under `identityKey` (the
   * same answer without content encoding, which `serve` compresses and
   * stores under `key`): one hit or one miss is counted. A disabled cache
   * always misses without counting.
   */
  find(key: string, identityKey: string | null): CachedAnswer | null {
    if (!this.enabled) return null;
    const e = this.#fresh(key) ??
      (identityKey === null ? undefined : this.#fresh(identityKey));
    if (e === undefined) {
      this.misses++;
      return null;
    }
    this.hits++;
    return e;
  }

  /** `found` (from `find(key, …)`) as a fresh Response. */
  serve(
    key: string,
    found: CachedAnswer,
    enc: Encoding | null,
  ): Response {
    const e = found as Entry;
    if (e.key === key) return finalResponse(e.body, e.prepared);
    return this.put(key, e.owner, e.body, e.headers, enc);
  }

  /** The live entry under `key`, made the most recently used. */
  #fresh(key: string): Entry | undefined {
    const e = this.#entries.get(key);
    if (e === undefined || e.owner.retired) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, e);
    return e;
  }

  /**
   * The answer `body` with `headers`, content-encoded with `enc` when it is
   * worth it (as compressResponse would), stored under `key` when the cache
   * is on and it fits (a null key stores nothing: the request was aborted,
   * and its answer is not sent). The response is marked final so the server
   * does not compress it again.
   */
  put(
    key: string | null,
    owner: Published,
    body: Uint8Array<ArrayBuffer>,
    headers: Record<string, string>,
    enc: Encoding | null,
  ): Response {
    if (enc !== null) {
      const packed = compressBytes(enc, body);
      if (packed !== null) {
        body = packed;
        headers = { ...headers, "content-encoding": enc };
      }
    }
    if (key !== null && this.enabled && !owner.retired) {
      this.#store(key, owner, body, headers);
    }
    return finalResponse(body, headers);
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
    this.#owners.clear();
    this.#bytes = 0;
  }

  #store(
    key: string,
    owner: Published,
    body: Uint8Array<ArrayBuffer>,
    headers: Record<string, string>,
  ): void {
    let bytes = body.byteLength + OVERHEAD + 2 * key.length;
    for (const k in headers) bytes += 2 * (k.length + headers[k]!.length);
    if (bytes > this.budget) return;
    this.#drop(key);
    this.#sweep();
    while (this.#bytes + bytes > this.budget) {
      const oldest = this.#entries.keys().next().value!;
      this.#drop(oldest);
    }
    // A private copy: the caller's buffer may be reused or handed on.
    const e: Entry = {
      key,
      etag: headers.etag ?? "",
      owner,
      body: body.slice(),
      headers,
      prepared: new Headers(headers),
      bytes,
    };
    this.#entries.set(key, e);
    let keys = this.#owners.get(owner);
    if (!keys) this.#owners.set(owner, keys = new Set());
    keys.add(key);
    this.#bytes += bytes;
  }

  #drop(key: string): void {
    const e = this.#entries.get(key);
    if (!e) return;
    this.#entries.delete(key);
    this.#bytes -= e.bytes;
    const keys = this.#owners.get(e.owner);
    keys?.delete(key);
    if (keys?.size === 0) this.#owners.delete(e.owner);
  }

  /** Drops the answers of retired versions (a reload replaced them). */
  #sweep(): void {
    for (const [owner, keys] of this.#owners) {
      if (!owner.retired) continue;
      for (const k of keys) {
        const e = this.#entries.get(k);
        if (e) {
          this.#entries.delete(k);
          this.#bytes -= e.bytes;
        }
      }
      this.#owners.delete(owner);
    }
  }
}

function finalResponse(
  body: Uint8Array<ArrayBuffer>,
  headers: Record<string, string> | Headers,
): Response {
  const res = new Response(body, { headers });
  (res as { [ENCODED]?: true })[ENCODED] = true;
  return res;
}
