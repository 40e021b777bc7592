/**
 * AWS Signature Version 4 for S3 requests, with WebCrypto only. The
 * canonical request follows the S3 flavour: the path is encoded once per
 * segment, not twice as for other services.
 */

/** Keys that sign a request; `sessionToken` comes with temporary credentials. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Payload hash S3 accepts when the body is not hashed (GET/HEAD bodies are empty anyway). */
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

/** The SHA-256 of an empty body, as hex. */
export const EMPTY_SHA256 =
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export interface SignInput {
  method: string;
  url: URL;
  /** Headers to send; `host` is taken from `url`. Signed: host, range, content-*, x-amz-*. */
  headers: Headers;
  region: string;
  service?: string;
  credentials: AwsCredentials;
  /** Hex SHA-256 of the body, or UNSIGNED_PAYLOAD (the default). */
  payloadHash?: string;
  /** Signing time; now unless given (tests pin it). */
  date?: Date;
}

const encoder = new TextEncoder();

/**
 * Returns a copy of `input.headers` with `x-amz-date`,
 * `x-amz-content-sha256`, `x-amz-security-token` (when a session token is
 * set) and `authorization` added.
 */
export async function signRequest(input: SignInput): Promise<Headers> {
  const service = input.service ?? "s3";
  const amzDate = formatAmzDate(input.date ?? new Date());
  const day = amzDate.slice(0, 8);
  const payloadHash = input.payloadHash ?? UNSIGNED_PAYLOAD;
  const headers = new Headers(input.headers);
  headers.set("x-amz-date", amzDate);
  headers.set("x-amz-content-sha256", payloadHash);
  if (input.credentials.sessionToken) {
    headers.set("x-amz-security-token", input.credentials.sessionToken);
  }
  const signed = signedHeaderEntries(input.url, headers);
  const signedNames = signed.map(([name]) => name).join(";");
  const canonical = canonicalRequest(
    input.method,
    input.url,
    signed,
    payloadHash,
  );
  const scope = `${day}/${input.region}/${service}/aws4_request`;
  const toSign = [
    "AWS4-HMAC-SHA256",
    amzDate,
    scope,
    await sha256Hex(canonical),
  ].join("\n");
  const key = await signingKey(
    input.credentials.secretAccessKey,
    day,
    input.region,
    service,
  );
  const signature = toHex(await hmac(key, toSign));
  headers.set(
    "authorization",
    `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, ` +
      `SignedHeaders=${signedNames}, Signature=${signature}`,
  );
  return headers;
}

/** The canonical request string SigV4 hashes; exported for the documented-vector tests. */
export function canonicalRequest(
  method: string,
  url: URL,
  signedHeaders: [string, string][],
  payloadHash: string,
): string {
  return [
    method.toUpperCase(),
    canonicalPath(url.pathname),
    canonicalQuery(url.searchParams),
    signedHeaders.map(([name, value]) => `${name}:${value}\n`).join(""),
    signedHeaders.map(([name]) => name).join(";"),
    payloadHash,
  ].join("\n");
}

/** Host plus the headers S3 wants signed, lower-cased, trimmed, sorted by name. */
export function signedHeaderEntries(
  url: URL,
  headers: Headers,
): [string, string][] {
  const entries: [string, string][] = [["host", url.host]];
  for (const [name, value] of headers) {
    if (
      name === "range" || name === "content-md5" || name === "content-type" ||
      name.startsWith("x-amz-")
    ) {
      entries.push([name, value.trim().replace(/\s+/g, " ")]);
    }
  }
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `20130524T000000Z` */
export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** RFC 3986 unreserved characters stay, everything else is %XX (upper-case). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function canonicalPath(pathname: string): string {
  // URL keeps the path percent-encoded; decode each segment then encode it
  // the SigV4 way so both "a b" and "a%20b" sign as "a%20b".
  return pathname.split("/").map((segment) =>
    uriEncode(decodeURIComponent(segment))
  ).join("/") || "/";
}

function canonicalQuery(params: URLSearchParams): string {
  const pairs = [...params].map(([k, v]) => [uriEncode(k), uriEncode(v)]);
  pairs.sort(([ak, av], [bk, bv]) =>
    ak! < bk! ? -1 : ak! > bk! ? 1 : av! < bv! ? -1 : av! > bv! ? 1 : 0
  );
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

async function signingKey(
  secret: string,
  day: string,
  region: string,
  service: string,
): Promise<Uint8Array> {
  const kDate = await hmac(encoder.encode(`AWS4${secret}`), day);
  const kRegion = await hmac(kDate, region);
  const kService = await hmac(kRegion, service);
  return hmac(kService, "aws4_request");
}

async function hmac(key: Uint8Array, data: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    key as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(
    await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(data)),
  );
}

/** Hex SHA-256 of a string or bytes (the payload hash header wants hex). */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  return toHex(
    new Uint8Array(
      await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
    ),
  );
}

function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}
