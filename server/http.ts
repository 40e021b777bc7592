/** Response helpers and the one place errors become API.md's error shape. */
import { ApiError } from "../data/errors.ts";
import { SourceError } from "../sources/errors.ts";
import { log } from "./log.ts";

/**
 * Every routed response carries `Vary: Accept-Encoding` from construction:
 * adding it afterwards means reading `res.headers`, which discards the
 * native response Deno prepares in the constructor and rebuilds it when
 * serving.
 */
export const VARY = "Accept-Encoding";

export function json(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...headers, "content-type": "application/json", vary: VARY },
  });
}

function errorJson(e: ApiError): string {
  const error: Record<string, unknown> = {
    status: e.status,
    code: e.code,
    message: e.message,
  };
  if (e.path !== undefined) error.path = e.path;
  if (e.details) Object.assign(error, e.details);
  return JSON.stringify({ error });
}

export function errorResponse(
  e: ApiError,
  headers: Record<string, string> = {},
): Response {
  return new Response(errorJson(e), {
    status: e.status,
    headers: { ...headers, "content-type": "application/json", vary: VARY },
  });
}

/**
 * Any thrown value → a response; unknown failures are a generic 500 and a
 * log line. Thrown errors skip the routed responses' Vary header.
 */
export function renderError(e: unknown): Response {
  let err: ApiError;
  if (e instanceof ApiError) err = e;
  else if (e instanceof SourceError) {
    err = new ApiError(502, "source_unavailable", e.message);
  } else {
    log("error", {
      msg: "unexpected error",
      error: e instanceof Error ? e.stack ?? e.message : String(e),
    });
    err = new ApiError(500, "internal", "internal error; see the server log");
  }
  return new Response(errorJson(err), {
    status: err.status,
    // After a 408 the rest of the body may still be on its way: the
    // connection cannot carry another request.
    headers: err.status === 408
      ? { "content-type": "application/json", connection: "close" }
      : { "content-type": "application/json" },
  });
}

const streamed = new WeakMap<Response, Promise<unknown>>();

/**
 * Marks a response whose body is produced while it is sent (compressed as
 * a stream); `ended` settles when the body is done, for timing and logs.
 */
export function markStreamed(res: Response, ended: Promise<unknown>): Response {
  streamed.set(res, ended);
  return res;
}

/** The end of a streamed response's body, or undefined for a plain one. */
export function streamEnd(res: Response): Promise<unknown> | undefined {
  return streamed.get(res);
}
