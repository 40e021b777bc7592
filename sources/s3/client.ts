/**
 * A small S3 REST client: ListObjectsV2, HeadObject, GetObject (ranges),
 * PutObject and CreateBucket (tests provision with these). Signs with SigV4;
 * error messages name the s3:// URL and the S3 error code, never keys or
 * signatures.
 */
import { SourceError } from "../errors.ts";
import {
  type EnvLookup,
  type ResolvedS3Config,
  resolveS3Config,
  type S3Config,
} from "./config.ts";
import { sha256Hex, signRequest, uriEncode } from "./sigv4.ts";
import {
  type ListedObject,
  type ListPage,
  parseErrorCode,
  parseListObjectsV2,
} from "./xml.ts";

export type { ListedObject, ListPage };

/** An object's metadata; `etag` has its quotes removed. */
export interface S3ObjectInfo {
  key: string;
  size: number;
  etag: string;
}

export interface ListOptions {
  prefix?: string;
  continuationToken?: string;
  /** Page size (S3 caps it at 1000). */
  maxKeys?: number;
}

/** Byte range: `length` bytes from `offset`. */
export interface ByteRange {
  offset: number;
  length: number;
}

/** How long one attempt may wait for an answer's headers. */
const HEADERS_TIMEOUT_MS = 20_000;
const RETRIES = 3;
const RETRY_STATUSES = new Set([500, 502, 503, 504]);

/** Holds resolved settings for one endpoint; safe to share between requests. */
export class S3Client {
  readonly config: ResolvedS3Config;

  /** Throws an Error naming the field when `config` is unusable (e.g. http without allow_http). */
  constructor(config: S3Config, env?: EnvLookup) {
    this.config = resolveS3Config(config, env);
  }

  /** The request URL for `key` in `bucket` (key "" = the bucket itself). */
  objectUrl(bucket: string, key: string): URL {
    const url = new URL(this.config.endpoint);
    const base = url.pathname.replace(/\/+$/, "");
    const encodedKey = key.split("/").map(uriEncode).join("/");
    if (this.config.addressingStyle === "virtual") {
      url.hostname = `${bucket}.${url.hostname}`;
      url.pathname = `${base}/${encodedKey}`;
    } else {
      // Bucket-level requests go to "/bucket", not "/bucket/": both are
      // valid on AWS, and S3-compatible servers sign the former.
      url.pathname = `${base}/${uriEncode(bucket)}${
        key === "" ? "" : `/${encodedKey}`
      }`;
    }
    return url;
  }

  /** One page of ListObjectsV2. */
  async listObjectsV2(
    bucket: string,
    options: ListOptions = {},
  ): Promise<ListPage> {
    const url = this.objectUrl(bucket, "");
    url.searchParams.set("list-type", "2");
    if (options.prefix) url.searchParams.set("prefix", options.prefix);
    if (options.continuationToken) {
      url.searchParams.set("continuation-token", options.continuationToken);
    }
    if (options.maxKeys !== undefined) {
      url.searchParams.set("max-keys", String(options.maxKeys));
    }
    const where = `s3://${bucket}/${options.prefix ?? ""}`;
    const response = await this.send("GET", url, where);
    const text = await response.text();
    try {
      return parseListObjectsV2(text);
    } catch (e) {
      throw new SourceError(
        `cannot list ${where}: malformed ListObjectsV2 answer`,
        (e as Error).message,
      );
    }
  }

  /** Every object under `prefix`, following continuation tokens. */
  async listAll(
    bucket: string,
    prefix: string,
    maxKeys?: number,
  ): Promise<ListedObject[]> {
    const all: ListedObject[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.listObjectsV2(bucket, {
        prefix,
        continuationToken,
        maxKeys,
      });
      all.push(...page.objects);
      continuationToken = page.nextContinuationToken ?? undefined;
    } while (continuationToken);
    return all;
  }

  /** Metadata of `key`, or null when it does not exist. */
  async headObject(bucket: string, key: string): Promise<S3ObjectInfo | null> {
    const response = await this.send(
      "HEAD",
      this.objectUrl(bucket, key),
      `s3://${bucket}/${key}`,
      {
        allow404: true,
      },
    );
    if (response.status === 404) return null;
    return {
      key,
      size: Number(response.headers.get("content-length") ?? "0"),
      etag: unquote(response.headers.get("etag") ?? ""),
    };
  }

  /**
   * The object's body as a streaming Response (status 200, or 206 for a
   * range); the caller must consume or cancel the body.
   */
  getObjectResponse(
    bucket: string,
    key: string,
    range?: ByteRange,
  ): Promise<Response> {
    const headers = new Headers();
    if (range) {
      if (range.length <= 0 || range.offset < 0) {
        throw new SourceError(
          `cannot read s3://${bucket}/${key}: empty or negative byte range`,
        );
      }
      headers.set(
        "range",
        `bytes=${range.offset}-${range.offset + range.length - 1}`,
      );
    }
    return this.send(
      "GET",
      this.objectUrl(bucket, key),
      `s3://${bucket}/${key}`,
      { headers },
    );
  }

  /** The object's bytes, or `range` of them. */
  async getObject(
    bucket: string,
    key: string,
    range?: ByteRange,
  ): Promise<Uint8Array> {
    const response = await this.getObjectResponse(bucket, key, range);
    const bytes = new Uint8Array(await response.arrayBuffer());
    // A server that ignores Range answers 200 with the whole object.
    if (range && response.status === 200) {
      return bytes.subarray(range.offset, range.offset + range.length);
    }
    return bytes;
  }

  /** Stores `body` at `key`; returns the new ETag. */
  async putObject(
    bucket: string,
    key: string,
    body: Uint8Array,
  ): Promise<string> {
    const response = await this.send(
      "PUT",
      this.objectUrl(bucket, key),
      `s3://${bucket}/${key}`,
      {
        body,
      },
    );
    await response.body?.cancel();
    return unquote(response.headers.get("etag") ?? "");
  }

  /** Creates `bucket` (region default). */
  async createBucket(bucket: string): Promise<void> {
    const response = await this.send(
      "PUT",
      this.objectUrl(bucket, ""),
      `s3://${bucket}`,
      {},
    );
    await response.body?.cancel();
  }

  /** Signs and sends, retrying transient failures; throws SourceError for any non-2xx answer. */
  private async send(
    method: string,
    url: URL,
    where: string,
    options: { headers?: Headers; body?: Uint8Array; allow404?: boolean } = {},
  ): Promise<Response> {
    const payloadHash = options.body
      ? await sha256Hex(options.body)
      : undefined;
    for (let attempt = 1;; attempt++) {
      const headers = this.config.credentials
        ? await signRequest({
          method,
          url,
          headers: options.headers ?? new Headers(),
          region: this.config.region,
          credentials: this.config.credentials,
          payloadHash,
        })
        : new Headers(options.headers);
      let response: Response;
      try {
        // A stalled connection must not hang a load or reload: without an
        // answer's headers in time, give up and retry. Reading the body is
        // not capped, so large downloads still finish.
        const abort = new AbortController();
        const timer = setTimeout(() => abort.abort(), HEADERS_TIMEOUT_MS);
        try {
          response = await fetch(url, {
            method,
            headers,
            body: options.body as Uint8Array<ArrayBuffer> | undefined,
            signal: abort.signal,
          });
        } finally {
          clearTimeout(timer);
        }
      } catch (e) {
        if (attempt < RETRIES) {
          await delay(attempt);
          continue;
        }
        throw new SourceError(
          `cannot reach the S3 endpoint for ${where}`,
          `${url.origin}: ${(e as Error).message}`,
        );
      }
      if (response.ok || (options.allow404 && response.status === 404)) {
        return response;
      }
      const code = method === "HEAD"
        ? null
        : parseErrorCode(await response.text().catch(() => ""));
      if (RETRY_STATUSES.has(response.status) && attempt < RETRIES) {
        await delay(attempt);
        continue;
      }
      throw s3Error(response.status, code, where);
    }
  }
}

/** The client-safe error for an S3 failure status. */
function s3Error(
  status: number,
  code: string | null,
  where: string,
): SourceError {
  const suffix = code ? ` (${code})` : "";
  if (status === 403 || status === 401) {
    return new SourceError(`access denied to ${where}${suffix}`);
  }
  if (status === 404) return new SourceError(`not found: ${where}${suffix}`);
  if (status === 416) {
    return new SourceError(`byte range not satisfiable for ${where}`);
  }
  return new SourceError(
    `S3 request failed for ${where}: HTTP ${status}${suffix}`,
  );
}

function unquote(etag: string): string {
  return etag.replace(/^(W\/)?"|"$/g, "");
}

function delay(attempt: number): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(resolve, 100 * 2 ** (attempt - 1))
  );
}
