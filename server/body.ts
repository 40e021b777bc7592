/**
 * Reading a JSON body under a byte limit: 413 from Content-Length before
 * reading, or as soon as the stream passes the limit, never buffering more.
 */
import { ApiError } from "../data/errors.ts";

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
  maxBytes: number,
  emptyAs?: unknown,
): Promise<unknown> {
  const type = req.headers.get("content-type");
  if (
    type !== null && type !== "application/json" &&
    !/^application\/json\s*(;|$)/i.test(type)
  ) {
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
  const bytes = length !== null
    ? await req.bytes()
    : await readLimited(req, maxBytes);
  if (bytes.length > maxBytes) throw tooLarge(maxBytes);
  if (bytes.length === 0) {
    if (emptyAs !== undefined) return emptyAs;
    throw new ApiError(
      400,
      "invalid_json",
      "the request body is empty; send a JSON object",
    );
  }
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
  try {
    return JSON.parse(text);
  } catch (e) {
    const detail = e instanceof SyntaxError
      ? e.message.slice(0, 200)
      : "malformed";
    throw new ApiError(
      400,
      "invalid_json",
      `the request body is not valid JSON: ${detail}`,
    );
  }
}

/** A body without Content-Length (chunked), read until it passes the limit. */
async function readLimited(
  req: Request,
  maxBytes: number,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
}

function tooLarge(max: number): ApiError {
  return new ApiError(
    413,
    "payload_too_large",
    `the request body is larger than max_body_bytes (${max} bytes)`,
  );
}
