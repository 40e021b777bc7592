/**
 * The application: routes under `prefix`, auth, limits, timeout, compression
 * and metrics around the handlers. `handler` works without a port; `listen`
 * serves it with Deno.serve.
 */
import { createAuthenticator, validateAuthConfig } from "../auth/mod.ts";
import type { Engine } from "../engines/engine.ts";
import { ApiError } from "../query/errors.ts";
import { MetaStore } from "../store/kv.ts";
import { compressResponse } from "./compress.ts";
import type { ServerConfig } from "./config.ts";
import type { Context, Handler } from "./context.ts";
import { listDatasets, schema } from "./handlers/datasets.ts";
import { count, query } from "./handlers/query.ts";
import { reload } from "./handlers/reload.ts";
import { errorResponse, json, renderError } from "./http.ts";
import { loadDataset, sourceSpec } from "./loader.ts";
import { watchFingerprint } from "../sources/poll.ts";
import { log, logEnabled } from "./log.ts";
import { Metrics } from "./metrics.ts";
import { Deadlines } from "./deadlines.ts";
import { Registry } from "./registry.ts";
import { uiResponse } from "./static.ts";

interface Route {
  method: string;
  /** Matches the full path; named groups are the path parameters. */
  pattern: RegExp;
  label: string;
  auth: "read" | "reload" | null;
  handler: Handler;
}

const ROUTES: [string, string, "read" | "reload" | null, Handler][] = [
  ["GET", "/api/v1/datasets", "read", listDatasets],
  ["GET", "/api/v1/datasets/:name/schema", "read", schema],
  ["POST", "/api/v1/datasets/:name/query", "read", query],
  ["POST", "/api/v1/datasets/:name/count", "read", count],
  ["POST", "/api/v1/datasets/:name/reload", "reload", reload],
];

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
  const auth = await createAuthenticator(
    config.auth ?? validateAuthConfig({ enabled: false }),
    { adminToken: opts.adminToken },
  );
  const ctx: Context = {
    config,
    engine,
    store,
    auth,
    registry: new Registry(engine),
    metrics: new Metrics(),
  };
  for (const d of config.datasets) ctx.registry.add(d);
  const routes: Route[] = ROUTES.map(([method, path, authNeed, handler]) => ({
    method,
    pattern: routeRegExp(config.prefix + path),
    label: path,
    auth: authNeed,
    handler,
  }));
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

  async function route(
    req: Request,
    signal: AbortSignal,
  ): Promise<{ res: Response; label: string; streamed: boolean }> {
    const url = new URL(req.url);
    const path = url.pathname;
    if (config.prefix) {
      if (path !== config.prefix && !path.startsWith(config.prefix + "/")) {
        return {
          res: errorResponse(new ApiError(404, "not_found", "no such route")),
          label: "unmatched",
          streamed: false,
        };
      }
    }
    const rel = path.slice(config.prefix.length) || "/";
    if (rel === "/health" || rel === "/healthz") {
      return {
        res: methodGuard(req, ["GET", "HEAD"]) ?? json({ status: "ok" }),
        label: rel,
        streamed: false,
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
      return { res, label: rel, streamed: false };
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
        { headers: { "content-type": "text/plain; version=0.0.4" } },
      );
      return { res, label: "metrics", streamed: false };
    }
    let r: Route | undefined;
    let groups: Record<string, string> | undefined;
    // Every method of the path, complete whenever no route matched the method.
    const allowed: Route[] = [];
    for (const candidate of routes) {
      const m = candidate.pattern.exec(path);
      if (!m) continue;
      allowed.push(candidate);
      if (candidate.method === req.method) {
        r = candidate;
        groups = m.groups;
        break;
      }
    }
    if (allowed.length === 0) {
      if (req.method === "GET" || req.method === "HEAD") {
        const ui = await uiResponse(rel);
        if (ui) return { res: ui, label: "ui", streamed: false };
      }
      return {
        res: errorResponse(new ApiError(404, "not_found", "no such route")),
        label: "unmatched",
        streamed: false,
      };
    }
    if (!r) {
      const allow = allowed.map((m) => m.method).join(", ");
      return {
        res: errorResponse(
          new ApiError(405, "method_not_allowed", `use ${allow} on this route`),
          { allow },
        ),
        label: allowed[0]!.label,
        streamed: false,
      };
    }
    const decoded: Record<string, string> = {};
    for (const k in groups) decoded[k] = decodePart(groups[k] ?? "");
    if (r.auth) {
      const d = await auth.authorize(req, r.auth);
      if (!d.ok) {
        const headers: HeadersInit = d.wwwAuthenticate
          ? { "www-authenticate": d.wwwAuthenticate }
          : {};
        return {
          res: errorResponse(
            new ApiError(d.status, d.code, d.message),
            headers,
          ),
          label: r.label,
          streamed: false,
        };
      }
    }
    const res = await r.handler(ctx, req, decoded, signal);
    return { res, label: r.label, streamed: res.headers.has("x-streamed") };
  }

  const deadlines = new Deadlines(config.request_timeout_ms);

  /** `work`, or a 504 (with the request's signal aborted) once the timeout passes. */
  function withTimeout<T>(
    work: Promise<T>,
    abort: AbortController,
  ): Promise<T> {
    const ms = config.request_timeout_ms;
    if (ms <= 0) return work;
    return new Promise<T>((resolve, reject) => {
      const cancel = deadlines.add(ms, () => {
        const e = new ApiError(
          504,
          "timeout",
          `the request took longer than request_timeout_ms (${ms} ms) and was cancelled`,
        );
        abort.abort(e);
        reject(e);
      });
      work.then((v) => {
        cancel();
        resolve(v);
      }, (e) => {
        cancel();
        reject(e);
      });
    });
  }

  async function handler(req: Request): Promise<Response> {
    const started = performance.now();
    const abort = new AbortController();
    let label = "unmatched";
    let res: Response;
    try {
      const out = await withTimeout(route(req, abort.signal), abort);
      label = out.label;
      res = out.res;
      if (out.streamed) res.headers.delete("x-streamed");
      res = await compressResponse(
        res,
        req.headers.get("accept-encoding"),
        config.compress,
        out.streamed,
      );
    } catch (e) {
      res = renderError(e);
    }
    const seconds = (performance.now() - started) / 1000;
    ctx.metrics.observeRequest(label, req.method, res.status, seconds);
    if (logEnabled("info")) {
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

/** `/api/v1/datasets/:name/query` → a RegExp with a named group per parameter (faster than URLPattern). */
function routeRegExp(path: string): RegExp {
  const body = path.split("/").map((seg) =>
    seg.startsWith(":")
      ? `(?<${seg.slice(1)}>[^/]+)`
      : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  ).join("/");
  return new RegExp(`^${body}$`);
}
