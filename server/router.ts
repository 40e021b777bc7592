/**
 * Routing: a request path under `prefix` → its handler, its metrics label
 * and its auth requirement. Everything up to the handler call runs
 * synchronously, so small requests pay for no promise before their handler.
 */
import type { Authenticator } from "../auth/mod.ts";
import { ApiError } from "../data/errors.ts";
import type { Context, Handler } from "./context.ts";
import { listDatasets, schema } from "./handlers/datasets.ts";
import { profile } from "./handlers/profile.ts";
import { count, query } from "./handlers/query.ts";
import { reload } from "./handlers/reload.ts";
import { errorResponse, json, VARY } from "./http.ts";
import { openApiDocument } from "./openapi/document.ts";
import { uiResponse } from "./static.ts";
import { pathnameOf } from "./url.ts";

interface Route {
  /** The first is the one a 405 suggests. */
  methods: readonly string[];
  label: string;
  auth: "read" | "reload";
  handler: Handler;
}

/** A response, maybe still pending, and the metrics label of its route. */
export interface Routed {
  res: Response | Promise<Response>;
  label: string;
}

export type Router = (req: Request, signal: AbortSignal) => Routed;

const DATASETS = "/api/v1/datasets";
const LIST: Route = {
  methods: ["GET"],
  label: DATASETS,
  auth: "read",
  handler: listDatasets,
};
/** Routes under `/api/v1/datasets/:name/`, by their last segment. */
const DATASET_ROUTES = new Map<string, Route>([
  ["schema", {
    methods: ["GET"],
    label: `${DATASETS}/:name/schema`,
    auth: "read",
    handler: schema,
  }],
  // GET takes the body as `?q=` (links, browser downloads, HTTP caches).
  ["query", {
    methods: ["POST", "GET"],
    label: `${DATASETS}/:name/query`,
    auth: "read",
    handler: query,
  }],
  ["count", {
    methods: ["POST", "GET"],
    label: `${DATASETS}/:name/count`,
    auth: "read",
    handler: count,
  }],
  ["reload", {
    methods: ["POST"],
    label: `${DATASETS}/:name/reload`,
    auth: "reload",
    handler: reload,
  }],
]);

/** `/api/v1/datasets/:name/columns/:col/profile`, the one route two segments deeper. */
const PROFILE: Route = {
  methods: ["GET"],
  label: `${DATASETS}/:name/columns/:col/profile`,
  auth: "read",
  handler: profile,
};
const COLUMNS = "columns/";
const SLASH_PROFILE = "/profile";

const UNMATCHED = "unmatched";
const OPENAPI = "/api/v1/openapi.json";

function notFound(): Response {
  return errorResponse(new ApiError(404, "not_found", "no such route"));
}

/**
 * `openReads`: auth is off, so read routes are open (API.md) and their
 * requests skip the authenticator's promise.
 */
export function createRouter(
  ctx: Context,
  auth: Authenticator,
  openReads: boolean,
): Router {
  const { config } = ctx;
  const datasetsPath = config.prefix + DATASETS;

  function authorized(
    r: Route,
    req: Request,
    params: Record<string, string>,
    signal: AbortSignal,
  ): Promise<Response> {
    return auth.authorize(req, r.auth).then((d) => {
      if (!d.ok) {
        return errorResponse(
          new ApiError(d.status, d.code, d.message),
          d.wwwAuthenticate ? { "www-authenticate": d.wwwAuthenticate } : {},
        );
      }
      return r.handler(ctx, req, params, signal);
    });
  }

  /** The bundled UI's file, labelled "ui", or a 404 labelled "unmatched". */
  function uiRoute(rel: string): Routed {
    const out: Routed = {
      label: UNMATCHED,
      res: uiResponse(rel).then((ui) => {
        if (!ui) return notFound();
        out.label = "ui";
        return ui;
      }),
    };
    return out;
  }

  function metrics(req: Request): Response {
    return methodGuard(req, ["GET"]) ?? new Response(
      ctx.metrics.render(
        [...ctx.registry.entries.values()].filter((e) => e.current).map((
          e,
        ) => ({
          name: e.config.name,
          rows: e.current!.ds.rows,
          version: e.current!.version,
        })),
        {
          connections: ctx.engine.connectionsInUse(),
          leases: ctx.registry.leasesHeld,
        },
      ),
      {
        headers: { "content-type": "text/plain; version=0.0.4", vary: VARY },
      },
    );
  }

  // Built on first use: most servers are never asked for it.
  let openapiText: string | undefined;
  function openapi(req: Request): Response {
    openapiText ??= JSON.stringify(openApiDocument(config));
    return methodGuard(req, ["GET", "HEAD"]) ?? new Response(openapiText, {
      headers: { "content-type": "application/json", vary: VARY },
    });
  }

  function readyz(req: Request): Response {
    const n = ctx.registry.entries.size;
    return methodGuard(req, ["GET", "HEAD"]) ??
      (ctx.registry.ready ? json({ status: "ready", datasets: n }) : json({
        status: "not_ready",
        datasets: n,
        loaded: ctx.registry.loadedCount,
      }, 503));
  }

  return (req, signal) => {
    const path = pathnameOf(req.url);
    if (
      config.prefix && path !== config.prefix &&
      !path.startsWith(config.prefix + "/")
    ) {
      return { res: notFound(), label: UNMATCHED };
    }
    const rel = path.slice(config.prefix.length) || "/";
    if (rel === "/health" || rel === "/healthz") {
      return {
        res: methodGuard(req, ["GET", "HEAD"]) ?? json({ status: "ok" }),
        label: rel,
      };
    }
    if (rel === "/readyz") return { res: readyz(req), label: rel };
    if (rel === OPENAPI) return { res: openapi(req), label: rel };
    if (rel === "/docs" && req.method === "GET") return uiRoute(rel);
    if (config.metrics_enabled && rel === config.metrics_path) {
      return { res: metrics(req), label: "metrics" };
    }
    // `${datasetsPath}` or `${datasetsPath}/:name/<last segment>`.
    let r: Route | undefined;
    let name = "";
    let col = "";
    const at = datasetsPath.length + 1;
    if (path === datasetsPath) r = LIST;
    else if (path.startsWith(datasetsPath) && path.charCodeAt(at - 1) === 47) {
      const slash = path.indexOf("/", at);
      if (slash > at) {
        const rest = path.slice(slash + 1);
        r = DATASET_ROUTES.get(rest);
        name = path.slice(at, slash);
        if (
          !r && rest.startsWith(COLUMNS) && rest.endsWith(SLASH_PROFILE) &&
          rest.length > COLUMNS.length + SLASH_PROFILE.length
        ) {
          r = PROFILE;
          col = rest.slice(COLUMNS.length, -SLASH_PROFILE.length);
        }
      }
    }
    if (!r) {
      if (req.method === "GET" || req.method === "HEAD") return uiRoute(rel);
      return { res: notFound(), label: UNMATCHED };
    }
    if (!r.methods.includes(req.method)) {
      return { res: methodNotAllowed(r.methods), label: r.label };
    }
    let params: Record<string, string>;
    try {
      params = r === LIST ? {} : { name: decodePart(name) };
      if (r === PROFILE) params.col = decodePart(col);
    } catch (e) {
      return { res: Promise.reject(e), label: r.label };
    }
    if (openReads && r.auth === "read") {
      return { res: r.handler(ctx, req, params, signal), label: r.label };
    }
    return { res: authorized(r, req, params, signal), label: r.label };
  };
}

function methodGuard(req: Request, allowed: string[]): Response | null {
  return allowed.includes(req.method) ? null : methodNotAllowed(allowed);
}

function methodNotAllowed(allowed: readonly string[]): Response {
  return errorResponse(
    new ApiError(
      405,
      "method_not_allowed",
      `use ${allowed.join(", ")} on this route`,
    ),
    {
      allow: allowed.join(", "),
    },
  );
}

function decodePart(v: string): string {
  // Without a "%" there is nothing to decode, and nothing to reject.
  if (!v.includes("%")) return v;
  try {
    return decodeURIComponent(v);
  } catch {
    throw new ApiError(
      400,
      "invalid_path",
      "the URL path is not valid percent-encoding",
    );
  }
}
