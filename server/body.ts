/**
 * Reading a JSON body under a byte limit and a time limit: 413 from
 * Content-Length before reading, or as soon as the stream passes the limit,
 * never buffering more; 408 when the body has not arrived within
 * `body_timeout_ms`, so a client trickling bytes cannot hold a request open.
 */
import { ApiError } from "../data/errors.ts";
import type { ServerConfig } from "./config.ts";
import { Deadlines } from "./deadlines.ts";

export interface BodyLimits {
  maxBytes: number;
  /** 0 = no time limit. */
  timeoutMs: number;
}

/** The body limits of a server's config. */
export function bodyLimits(ctx: { config: ServerConfig }): BodyLimits {
  return {
    maxBytes: ctx.config.max_body_bytes,
    timeoutMs: ctx.config.body_timeout_ms,
  };
}

/** One shared timer per timeout value (there is one per server config). */
const deadlines = new Map<number, Deadlines>();

/** `read`, or a 408 once `timeoutMs` passes (`onTimeout` stops the read). */
function bounded<T>(
  read: Promise<T>,
  timeoutMs: number,
  onTimeout: () => void,
): Promise<T> {
  if (timeoutMs <= 0) return read;
  let timer = deadlines.get(timeoutMs);
  if (!timer) deadlines.set(timeoutMs, timer = new Deadlines(timeoutMs));
  const d = timer;
  return new Promise<T>((resolve, reject) => {
    const deadline = d.add(performance.now() + timeoutMs, () => {
      onTimeout();
      reject(
        new ApiError(
          408,
          "body_timeout",
          `the request body did not arrive within body_timeout_ms (${timeoutMs} ms)`,
        ),
      );
    });
    read.then((v) => {
      d.cancel(deadline);
      resolve(v);
    }, (e) => {
      d.cancel(deadline);
      reject(e);
    });
  });
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Bodies up to this size try `ascii` before the decoder. */
const SHORT = 256;

/**
 * A pure-ASCII body as text, else null. For small request bodies this
 * beats a call into the decoder, and ASCII is always valid UTF-8.
 */
function ascii(bytes: Uint8Array): string | null {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return null;
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

export async function readJsonBody(
  req: Request,
  limits: BodyLimits,
  emptyAs?: unknown,
): Promise<unknown> {
  const text = await readBodyText(req, limits);
  if (text === null) {
    if (emptyAs !== undefined) return emptyAs;
    throw emptyBody();
  }
  return parseJson(text, BODY_NOT_JSON);
}

const BODY_NOT_JSON = "the request body is not valid JSON";

export function emptyBody(): ApiError {
  return new ApiError(
    400,
    "invalid_json",
    "the request body is empty; send a JSON object",
  );
}

/**
 * A JSON request body as text (parse it with `parseBodyJson`), or null when
 * it is empty; the same 415, 413, 408 and 400 answers as `readJsonBody`.
 */
export async function readBodyText(
  req: Request,
  limits: BodyLimits,
): Promise<string | null> {
  const { maxBytes } = limits;
  const type = req.headers.get("content-type");
  if (type !== null && type !== "application/json" && !isJsonUtf8(type)) {
    throw new ApiError(
      415,
      "unsupported_media_type",
      `Content-Type must be application/json, got ${
        JSON.stringify(type.slice(0, 80))
      }`,
    );
  }
  const length = req.headers.get("content-length");
  if (length !== null && Number(length) > maxBytes) {
    throw tooLarge(maxBytes);
  }
  // With a known length, req.bytes() reads on the Rust side: a pending
  // stream read costs ~110 KiB per request more (measured with 1,000
  // trickling clients), which slow clients could multiply.
  const reader = length === null ? req.body?.getReader() : undefined;
  const read = length !== null ? req.bytes() : readLimited(reader, maxBytes);
  const bytes = await bounded(
    read.catch((e) => {
      if (e instanceof ApiError) throw e;
      // The connection went away mid-body: no one is left to answer, and
      // it is not a server fault to log.
      throw new ApiError(
        400,
        "body_unreadable",
        "the request body could not be read: the client closed the connection",
      );
    }),
    limits.timeoutMs,
    () => {
      reader?.cancel().catch(() => {});
    },
  );
  if (bytes.length > maxBytes) throw tooLarge(maxBytes);
  if (bytes.length === 0) return null;
  if (type === null) {
    throw new ApiError(
      415,
      "unsupported_media_type",
      "Content-Type must be application/json",
    );
  }
  let text = bytes.length <= SHORT ? ascii(bytes) : null;
  if (text === null) {
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new ApiError(
        400,
        "invalid_json",
        "the request body is not valid UTF-8",
      );
    }
  }
  return text;
}

/** A body's text from `readBodyText` as JSON, or a 400. */
export function parseBodyJson(text: string): unknown {
  return parseJson(text, BODY_NOT_JSON);
}

/** `JSON.parse(text)`, or a 400 that starts with `refusal` and names `path`. */
export function parseJson(
  text: string,
  refusal: string,
  path?: string,
): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const detail = e instanceof SyntaxError
      ? e.message.slice(0, 200)
      : "malformed";
    throw new ApiError(400, "invalid_json", `${refusal}: ${detail}`, path);
  }
}

/**
 * `application/json`, with no charset or charset=utf-8: RFC 8259 JSON is
 * UTF-8, and a body declared in another charset would be misread.
 */
function isJsonUtf8(type: string): boolean {
  const m = /^application\/json\s*(?:;(.*))?$/i.exec(type);
  if (!m) return false;
  for (const param of (m[1] ?? "").split(";")) {
    const [k, v] = param.split("=").map((x) => x.trim().toLowerCase());
    if (k === "charset" && v?.replace(/^"|"$/g, "") !== "utf-8") return false;
  }
  return true;
}

/**
 * A body without Content-Length (chunked), read until it ends or passes
 * the limit. Each chunk is copied
 * out at once: Deno hands a chunk as a view into a fresh 64 KiB buffer, so
 * keeping a one-byte chunk of a trickled body would keep 64 KiB alive.
 */
async function readLimited(
  reader: ReadableStreamDefaultReader<Uint8Array> | undefined,
  maxBytes: number,
): Promise<Uint8Array> {
  let buf = new Uint8Array(1024);
  let size = 0;
  if (reader) {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (size + value.length > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      if (size + value.length > buf.length) {
        const grown = new Uint8Array(
          Math.min(maxBytes, Math.max(2 * buf.length, size + value.length)),
        );
        grown.set(buf.subarray(0, size));
        buf = grown;
      }
      buf.set(value, size);
      size += value.length;
    }
  }
  return buf.subarray(0, size);
}

function tooLarge(max: number): ApiError {
  return new ApiError(
    413,
    "payload_too_large",
    `the request body is larger than max_body_bytes (${max} bytes)`,
  );
}
