/**
 * Reading a JSON body under a byte limit: 413 from Content-Length before
 * reading, or as soon as the stream passes the limit, never buffering more.
 */
import { ApiError } from "../query/errors.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });

export async function readJsonBody(
  req: Request,
  maxBytes: number,
  emptyAs?: unknown,
): Promise<unknown> {
  const type = req.headers.get("content-type");
  if (type !== null && !/^application\/json\s*(;|$)/i.test(type)) {
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
    ? new Uint8Array(await req.arrayBuffer())
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
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ApiError(
      400,
      "invalid_json",
      "the request body is not valid UTF-8",
    );
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
