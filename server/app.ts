/**
 * The application: routes under `prefix`, auth, limits, timeout, compression
 * and metrics around the handlers. `handler` works without a port; `listen`
 * serves it with Deno.serve.
 */
import { createAuthenticator, validateAuthConfig } from "../auth/mod.ts";
import type { Engine } from "../engines/engine.ts";
import { ApiError } from "../data/errors.ts";
import { MetaStore } from "../store/kv.ts";
import { compressResponse, negotiate } from "./compress.ts";
import type { ServerConfig } from "./config.ts";
import type { Context, Handler } from "./context.ts";
import { listDatasets, schema } from "./handlers/datasets.ts";
import { count, query } from "./handlers/query.ts";
import { reload } from "./handlers/reload.ts";
import { errorResponse, isStreamed, json, renderError, VARY } from "./http.ts";
import { pathnameOf } from "./url.ts";
import { loadDataset, sourceSpec } from "./loader.ts";
import { watchFingerprint } from "../sources/poll.ts";
import { log, logEnabled } from "./log.ts";
import { Metrics } from "./metrics.ts";
import { Deadlines } from "./deadlines.ts";
import { Registry } from "./registry.ts";
import { uiResponse } from "./static.ts";

interface Route {
  method: string;
  label: string;
  auth: "read" | "reload";
  handler: Handler;
}

const DATASETS = "/api/v1/datasets";
const LIST: Route = {
  method: "GET",
  label: DATASETS,
  auth: "read",
  handler: listDatasets,
};
/** Routes under `/api/v1/datasets/:name/`, by their last segment. */
const DATASET_ROUTES = new Map<string, Route>([
  ["schema", {
    method: "GET",
    label: `${DATASETS}/:name/schema`,
    auth: "read",
    handler: schema,
  }],
  ["query", {
    method: "POST",
    label: `${DATASETS}/:name/query`,
    auth: "read",
    handler: query,
  }],
  ["count", {
    method: "POST",
    label: `${DATASETS}/:name/count`,
    auth: "read",
    handler: count,
  }],
  ["reload", {
    method: "POST",
    label: `${DATASETS}/:name/reload`,
    auth: "reload",
    handler: reload,
  }],
]);

interface Routed {
  res: Response | Promise<Response>;
  label: string;
}

export interface App {
  handler(req: Request): Promise<Response>;
  /** Loads every dataset (readyz turns ready when done). */
  loadAll(): Promise<void>;
  listen(
    opts?: { onListen?: (url: string) => void },
  ): {
    url: Promise<string>;
    finished: Promise<void>;
    shutdown(): Promise<void>;
  };
  close(): Promise<void>;
  readonly ctx: Context;
}

async function createEngine(config: ServerConfig): Promise<Engine> {
  if (config.backend === "memory") {
    const mod = await import("../engines/memory/mod.ts");
    return new mod.MemoryEngine();
  }
  const { DuckDBEngine } = await import("../engines/duckdb/mod.ts");
  return await DuckDBEngine.create({ threads: config.workers });
}

export interface AppOptions {
  engine?: Engine;
  /** Overrides the ADMIN_TOKEN environment variable (tests, embedding). */
  adminToken?: string;
}

export async function createApp(
  config: ServerConfig,
  opts: AppOptions = {},
): Promise<App> {
  const engine = opts.engine ?? await createEngine(config);
  const store = await MetaStore.open(config.kv);
  const authConfig = config.auth ?? validateAuthConfig({ enabled: false });
  const auth = await createAuthenticator(authConfig, {
    adminToken: opts.adminToken,
  });
  const ctx: Context = {
    config,
    engine,
    store,
    auth,
    registry: new Registry(engine),
    metrics: new Metrics(),
  };
  for (const d of config.datasets) ctx.registry.add(d);
  // With auth off, read routes are open (API.md), so their requests skip
  // the authenticator's promise.
  const openReads = !authConfig.enabled;
  const datasetsPath = config.prefix + DATASETS;
  const unwatch = store.watch(
    config.datasets.map((d) => d.name),
    (name, version) => {
      const cur = ctx.registry.entries.get(name)?.current;
      if (cur && version > cur.version) {
        loadDataset(ctx, name).catch((e) =>
          log("warn", {
            msg: "replica reload failed",
            dataset: name,
            error: String(e),
          })
        );
      }
    },
  );

  /**
   * The route's response, maybe still pending, and its metrics label;
   * everything up to the handler call runs synchronously.
   */
  function route(req: Request, signal: AbortSignal): Routed {
    const path = pathnameOf(req.url);
    if (config.prefix) {
      if (path !== config.prefix && !path.startsWith(config.prefix + "/")) {
        return {
          res: errorResponse(new ApiError(404, "not_found", "no such route")),
          label: "unmatched",
        };
      }
    }
    const rel = path.slice(config.prefix.length) || "/";
    if (rel === "/health" || rel === "/healthz") {
      return {
        res: methodGuard(req, ["GET", "HEAD"]) ?? json({ status: "ok" }),
        label: rel,
      };
    }
    if (rel === "/readyz") {
      const n = ctx.registry.entries.size;
      const res = methodGuard(req, ["GET", "HEAD"]) ??
        (ctx.registry.ready ? json({ status: "ready", datasets: n }) : json({
          status: "not_ready",
          datasets: n,
          loaded: [...ctx.registry.entries.values()].filter((e) =>
            e.current
          ).length,
        }, 503));
      return { res, label: rel };
    }
    if (config.metrics_enabled && rel === config.metrics_path) {
      const res = methodGuard(req, ["GET"]) ?? new Response(
        ctx.metrics.render(
          [...ctx.registry.entries.values()].filter((e) => e.current).map((
            e,
          ) => ({
            name: e.config.name,
            rows: e.current!.ds.rows,
            version: e.current!.version,
          })),
        ),
        {
          headers: { "content-type": "text/plain; version=0.0.4", vary: VARY },
        },
      );
      return { res, label: "metrics" };
    }
    // `${datasetsPath}` or `${datasetsPath}/:name/<last segment>`.
    let r: Route | undefined;
    let name = "";
    const at = datasetsPath.length + 1;
    if (path === datasetsPath) r = LIST;
    else if (path.startsWith(datasetsPath) && path.charCodeAt(at - 1) === 47) {
      const slash = path.indexOf("/", at);
      if (slash > at) {
        r = DATASET_ROUTES.get(path.slice(slash + 1));
        name = path.slice(at, slash);
      }
    }
    if (!r) {
      if (req.method === "GET" || req.method === "HEAD") {
        return uiRoute(rel);
      }
      return {
        res: errorResponse(new ApiError(404, "not_found", "no such route")),
        label: "unmatched",
      };
    }
    if (r.method !== req.method) {
      return {
        res: errorResponse(
          new ApiError(
            405,
            "method_not_allowed",
            `use ${r.method} on this route`,
          ),
          { allow: r.method },
        ),
        label: r.label,
      };
    }
    const params: Record<string, string> = r === LIST
      ? {}
      : { name: decodePart(name) };
    if (openReads && r.auth === "read") {
      return { res: r.handler(ctx, req, params, signal), label: r.label };
    }
    return { res: authorized(r, req, params, signal), label: r.label };
  }

  async function authorized(
    r: Route,
    req: Request,
    params: Record<string, string>,
    signal: AbortSignal,
  ): Promise<Response> {
    const d = await auth.authorize(req, r.auth);
    if (!d.ok) {
      return errorResponse(
        new ApiError(d.status, d.code, d.message),
        d.wwwAuthenticate ? { "www-authenticate": d.wwwAuthenticate } : {},
      );
    }
    return r.handler(ctx, req, params, signal);
  }

  /** The bundled UI's file, labelled "ui", or a 404 labelled "unmatched". */
  function uiRoute(rel: string): Routed {
    const out: Routed = {
      label: "unmatched",
      res: uiResponse(rel).then((ui) => {
        if (!ui) {
          return errorResponse(new ApiError(404, "not_found", "no such route"));
        }
        out.label = "ui";
        return ui;
      }),
    };
    return out;
  }

  const timeoutMs = config.request_timeout_ms;
  const deadlines = new Deadlines(timeoutMs);

  /** `work`, or a 504 (with the request's signal aborted) once the timeout passes. */
  function withTimeout(
    work: Promise<Response>,
    abort: AbortController,
    started: number,
  ): Promise<Response> {
    return new Promise<Response>((resolve, reject) => {
      const deadline = deadlines.add(started + timeoutMs, () => {
        const e = new ApiError(
          504,
          "timeout",
          `the request took longer than request_timeout_ms (${timeoutMs} ms) and was cancelled`,
        );
        abort.abort(e);
        reject(e);
      });
      work.then((v) => {
        deadlines.cancel(deadline);
        resolve(v);
      }, (e) => {
        deadlines.cancel(deadline);
        reject(e);
      });
    });
  }

  const logRequests = logEnabled("info");

  async function handler(req: Request): Promise<Response> {
    const started = performance.now();
    const abort = new AbortController();
    let label = "unmatched";
    let res: Response;
    try {
      const out = route(req, abort.signal);
      const pending = out.res;
      res = pending instanceof Response
        ? pending
        : await (timeoutMs > 0
          ? withTimeout(pending, abort, started)
          : pending);
      label = out.label;
      if (config.compress && res.status !== 304 && res.status !== 204) {
        const enc = negotiate(req.headers.get("accept-encoding"));
        if (enc) res = await compressResponse(res, enc, isStreamed(res));
      }
    } catch (e) {
      res = renderError(e);
    }
    const seconds = (performance.now() - started) / 1000;
    ctx.metrics.observeRequest(label, req.method, res.status, seconds);
    if (logRequests) {
      log("info", {
        method: req.method,
        route: label,
        status: res.status,
        ms: Math.round(seconds * 1e4) / 10,
      });
    }
    return res;
  }

  const watchers = new AbortController();
  async function loadAll(): Promise<void> {
    await Promise.all(config.datasets.map((d) => loadDataset(ctx, d.name)));
    for (const d of config.datasets) {
      if (!d.reload_interval_secs) continue;
      // Poll the listing only; reload (and re-read data) when it changed.
      watchFingerprint(
        sourceSpec(d),
        d.reload_interval_secs,
        () =>
          loadDataset(ctx, d.name).then(() => {}, (e) =>
            log("warn", {
              msg: "scheduled reload failed",
              dataset: d.name,
              error: String(e),
            })),
        watchers.signal,
      );
    }
  }

  async function close(): Promise<void> {
    watchers.abort();
    unwatch();
    auth.close();
    for (const e of ctx.registry.entries.values()) {
      if (e.current) await engine.close(e.current.ds).catch(() => {});
    }
    await engine.shutdown();
    store.close();
  }

  function listen(lopts: { onListen?: (url: string) => void } = {}) {
    let resolveUrl!: (u: string) => void;
    const url = new Promise<string>((r) => resolveUrl = r);
    const server = Deno.serve({
      hostname: config.listen,
      port: config.port,
      onListen: ({ hostname, port }) => {
        const host = hostname.includes(":") ? `[${hostname}]` : hostname;
        const u = `http://${host}:${port}`;
        resolveUrl(u);
        lopts.onListen?.(u);
      },
    }, handler);
    return {
      url,
      finished: server.finished,
      shutdown: () => server.shutdown(),
    };
  }

  return { handler, loadAll, listen, close, ctx };
}

function methodGuard(req: Request, allowed: string[]): Response | null {
  if (allowed.includes(req.method)) return null;
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
