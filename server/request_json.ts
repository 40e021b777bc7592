/**
 * The JSON request of a query or count, from a POST body or, for GET, from
 * the `q` parameter (URL-encoded JSON), so a query can be a link, a native
 * browser download or an HTTP cache entry. Both forms obey the same size
 * limit and end in the same parser.
 */
import { ApiError } from "../data/errors.ts";
import {
  type BodyLimits,
  emptyBody,
  parseBodyJson,
  parseJson,
  readBodyText,
  readJsonBody,
} from "./body.ts";

/** The query-string parameter that carries a GET request's JSON. */
export const Q = "q";

const utf8 = new TextEncoder();

/**
 * The request's JSON value: the body of a POST, `q` of a GET (absent `q`
 * = `{}`: the first page of every row, or the row count).
 */
export function readRequestJson(
  req: Request,
  limits: BodyLimits,
  emptyAs?: unknown,
): Promise<unknown> {
  if (req.method !== "GET") return readJsonBody(req, limits, emptyAs);
  return Promise.resolve(queryParamJson(req.url, limits.maxBytes));
}

/**
 * The request's JSON as text, before parsing (`parseRequestText`): the
 * body of a POST (null when empty), `q` of a GET (`{}` when absent). The
 * same 413, 415, 408 and 400 answers as `readRequestJson`.
 */
export function readRequestText(
  req: Request,
  limits: BodyLimits,
): Promise<string | null> {
  if (req.method !== "GET") return readBodyText(req, limits);
  return Promise.resolve(queryParamText(req.url, limits.maxBytes));
}

/** Text from `readRequestText` as JSON, with `readRequestJson`'s answers. */
export function parseRequestText(
  req: Request,
  text: string | null,
  emptyAs?: unknown,
): unknown {
  if (text === null) {
    if (emptyAs !== undefined) return emptyAs;
    throw emptyBody();
  }
  return req.method === "GET" ? parseQueryParam(text) : parseBodyJson(text);
}

/** `q` of `url` parsed as JSON; 413 past `maxBytes`, 400 when it is not JSON. */
export function queryParamJson(url: string, maxBytes: number): unknown {
  return parseQueryParam(queryParamText(url, maxBytes));
}

function queryParamText(url: string, maxBytes: number): string {
  const q = url.includes("?") ? new URL(url).searchParams.get(Q) : null;
  if (q === null || q === "") return "{}";
  // A string longer than maxBytes is over it in UTF-8 too: no encoding needed.
  if (q.length > maxBytes || utf8.encode(q).length > maxBytes) {
    throw new ApiError(
      413,
      "payload_too_large",
      `query parameter ${Q} is larger than max_body_bytes (${maxBytes} bytes); POST the request as a JSON body instead`,
      Q,
    );
  }
  return q;
}

function parseQueryParam(q: string): unknown {
  return parseJson(
    q,
    `query parameter ${Q} is not valid JSON (URL-encode the request body)`,
    Q,
  );
}
