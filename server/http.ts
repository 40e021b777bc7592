/** Response helpers and the one place errors become API.md's error shape. */
import { ApiError } from "../query/errors.ts";
import { SourceError } from "../sources/errors.ts";
import { log } from "./log.ts";

export function json(
  body: unknown,
  status = 200,
  headers: HeadersInit = {},
): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/json");
  return new Response(JSON.stringify(body), { status, headers: h });
}

export function errorResponse(
  e: ApiError,
  headers: HeadersInit = {},
): Response {
  const error: Record<string, unknown> = {
    status: e.status,
    code: e.code,
    message: e.message,
  };
  if (e.path !== undefined) error.path = e.path;
  return json({ error }, e.status, headers);
}

/** Any thrown value → a response; unknown failures are a generic 500 and a log line. */
export function renderError(e: unknown): Response {
  if (e instanceof ApiError) return errorResponse(e);
  if (e instanceof SourceError) {
    return errorResponse(new ApiError(502, "source_unavailable", e.message));
  }
  log("error", {
    msg: "unexpected error",
    error: e instanceof Error ? e.stack ?? e.message : String(e),
  });
  return errorResponse(
    new ApiError(500, "internal", "internal error; see the server log"),
  );
}
