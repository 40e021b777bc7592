/**
 * CORS for `cors_origins`: preflights answered before routing, and the
 * Access-Control-* headers on every answer to an allowed origin, so a
 * browser app on another origin can call the API and read its headers.
 */
import { ConfigError } from "../auth/mod.ts";
import { ApiError } from "../data/errors.ts";
import { errorResponse } from "./http.ts";

const ALLOW_METHODS = "GET, HEAD, POST, OPTIONS";
const ALLOW_HEADERS =
  "Accept, Authorization, Content-Type, If-None-Match, X-Admin-Token";
/** Headers a script may read besides the CORS-safelisted ones. */
const EXPOSE_HEADERS =
  "Content-Disposition, ETag, X-Dataset-Version, X-Has-More, X-Page, X-Page-Size, X-Returned";
/** How long a browser may reuse a preflight's answer. */
export const PREFLIGHT_MAX_AGE_SECS = 600;

export interface Cors {
  /** The answer to a preflight (before `decorate`), or null when `req` is not one. */
  preflight(req: Request): Response | null;
  /** `res` with the CORS headers `req`'s origin is entitled to. */
  decorate(req: Request, res: Response): Response;
}

/** CORS for `origins` (validated by config.ts), or null when it is off. */
export function createCors(origins: readonly string[]): Cors | null {
  if (origins.length === 0) return null;
  const any = origins.includes("*");
  const allowed = new Set(origins);
  /** The Access-Control-Allow-Origin value for `origin`, or null. */
  const allowOrigin = (origin: string | null): string | null =>
    origin === null ? null : any ? "*" : allowed.has(origin) ? origin : null;

  function originHeaders(value: string): Record<string, string> {
    // A wildcard answer must not carry credentials (the Fetch standard
    // refuses it); a named origin may send its cookies and auth.
    return value === "*" ? { "access-control-allow-origin": "*" } : {
      "access-control-allow-origin": value,
      "access-control-allow-credentials": "true",
    };
  }

  return {
    preflight(req) {
      if (
        req.method !== "OPTIONS" ||
        !req.headers.has("access-control-request-method")
      ) return null;
      const origin = req.headers.get("origin");
      const value = allowOrigin(origin);
      if (value === null) {
        return errorResponse(
          new ApiError(
            403,
            "cors_origin_not_allowed",
            `origin ${
              JSON.stringify((origin ?? "").slice(0, 200))
            } is not in cors_origins`,
          ),
        );
      }
      // The origin headers and Vary come from `decorate`, as on any answer.
      return new Response(null, {
        status: 204,
        headers: {
          "access-control-allow-methods": ALLOW_METHODS,
          "access-control-allow-headers": ALLOW_HEADERS,
          "access-control-max-age": String(PREFLIGHT_MAX_AGE_SECS),
        },
      });
    },
    decorate(req, res) {
      // The answer depends on Origin whenever CORS is on, so caches must
      // key on it even for requests that sent none.
      res.headers.append("vary", "Origin");
      const value = allowOrigin(req.headers.get("origin"));
      if (value === null) return res;
      for (const [k, v] of Object.entries(originHeaders(value))) {
        res.headers.set(k, v);
      }
      res.headers.set("access-control-expose-headers", EXPOSE_HEADERS);
      return res;
    },
  };
}

/**
 * `cors_origins` of a config file: `["*"]`, or origins exactly as browsers
 * send them (`scheme://host[:port]`); a ConfigError names the bad entry.
 */
export function parseCorsOrigins(v: unknown): string[] {
  if (!Array.isArray(v)) {
    throw new ConfigError(
      "cors_origins",
      'must be an array of origins or ["*"]',
    );
  }
  return v.map((origin, i) => {
    const key = `cors_origins[${i}]`;
    if (typeof origin !== "string") {
      throw new ConfigError(key, "must be a string");
    }
    if (origin === "*") {
      if (v.length > 1) {
        throw new ConfigError(key, '"*" must be the only entry');
      }
      return origin;
    }
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch { /* reported below */ }
    if (
      !parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin
    ) {
      throw new ConfigError(
        key,
        `must be an origin like "https://app.example.com" or "http://localhost:3000" (scheme, host and port only, no path or trailing "/"), got ${
          JSON.stringify(origin.slice(0, 100))
        }`,
      );
    }
    return origin;
  });
}
