/**
 * The application: routes under `prefix`, auth, limits, timeout, compression
 * and metrics around the handlers. `handler` works without a port; `listen`
 * serves it (listen.ts: Deno's HTTP engine with a header timeout).
 */
import { createAuthenticator, validateAuthConfig } from "../auth/mod.ts";
import { ApiError } from "../data/errors.ts";
import type { Engine } from "../engines/engine.ts";
import { MetaStore } from "../store/kv.ts";
import { AnswerCache, isEncoded } from "./answer_cache.ts";
import { compressResponse, negotiate } from "./compress.ts";
import { cacheDir, type ServerConfig } from "./config.ts";
import { createCors } from "./cors.ts";
import type { Context } from "./context.ts";
import { renderError, streamEnd } from "./http.ts";
import { Follower } from "./follow.ts";
import { followDataset, loadDataset, loadEach, sourceSpec } from "./loader.ts";
import { watchFingerprint } from "../sources/poll.ts";
import { listen as listenHttp } from "./listen.ts";
import { log, logEnabled } from "./log.ts";
import { Metrics } from "./metrics.ts";
import { Registry } from "./registry.ts";
import { createRouter } from "./router.ts";
import { requestTimeout } from "./timeout.ts";
import { Deadlines } from "./deadlines.ts";

/** A request still running after this long stops when its client goes. */
const CLIENT_WATCH_MS = 10;

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
  return await DuckDBEngine.create({
    threads: config.workers,
    pinRoot: `${cacheDir(config)}/pins`,
    tableRoot: `${cacheDir(config)}/tables`,
  });
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
  // The KV first: a bad --kv path is named as such, not as the pin folder
  // the engine keeps beside it.
  const store = await MetaStore.open(config.kv);
  const engine = opts.engine ?? await createEngine(config).catch((e) => {
    store.close();
    throw e;
  });
  const authConfig = config.auth ?? validateAuthConfig({ enabled: false });
  const auth = await createAuthenticator(authConfig, {
    adminToken: opts.adminToken,
  });
  const registry = new Registry(engine, {
    graceMs: config.version_grace_secs * 1000,
    memoryLimitBytes: config.memory_limit_bytes,
  });
  const answers = new AnswerCache(config.cache_bytes);
  const ctx: Context = {
    config,
    engine,
    store,
    auth,
    registry,
    metrics: new Metrics(answers),
    answers,
    follower: new Follower(
      store,
      registry,
      (name, meta) => followDataset(ctx, name, meta),
    ),
    // Loaded with the first text source only: most servers have none.
    textToParquet: async (files) =>
      (await import("../engines/duckdb/mod.ts")).textToParquet(
        files,
        `${cacheDir(config)}/text-cache`,
      ),
  };
  for (const d of config.datasets) ctx.registry.add(d);

  const route = createRouter(ctx, auth, !authConfig.enabled);
  const clientWatch = new Deadlines(10 * CLIENT_WATCH_MS);
  const timed = requestTimeout(config.request_timeout_ms);
  const cors = createCors(config.cors_origins);
  const logRequests = logEnabled("info");

  function observe(
    req: Request,
    label: string,
    status: number,
    started: number,
  ): void {
    const seconds = (performance.now() - started) / 1000;
    ctx.metrics.observeRequest(label, req.method, status, seconds);
    if (logRequests) {
      log("info", {
        method: req.method,
        route: label,
        status,
        ms: Math.round(seconds * 1e4) / 10,
      });
    }
  }

  async function handler(req: Request): Promise<Response> {
    if (!cors) return await routed(req);
    const res = cors.preflight(req) ?? await routed(req);
    return cors.decorate(req, res);
  }

  async function routed(req: Request): Promise<Response> {
    const started = performance.now();
    const abort = new AbortController();
    // A client that goes away (closed socket, aborted fetch) stops the
    // engine work of its request, as a timeout does; an export already
    // streaming is stopped by its body's cancel instead. Listening costs
    // more than a cached answer's whole bookkeeping, so only requests still
    // running after CLIENT_WATCH_MS listen (a client gone by then aborts at
    // once).
    const gone = () =>
      abort.abort(new ApiError(499, "client_closed", "the client went away"));
    let watching = false;
    const watch = clientWatch.add(started + CLIENT_WATCH_MS, () => {
      watching = true;
      if (req.signal.aborted) gone();
      else req.signal.addEventListener("abort", gone, { once: true });
    });
    let label = "unmatched";
    let res: Response;
    try {
      const out = route(req, abort.signal);
      label = out.label;
      const pending = out.res;
      res = pending instanceof Response
        ? pending
        : await timed(pending, abort, started);
      // The UI route learns its label once its file is found.
      label = out.label;
      const ended = streamEnd(res);
      if (
        config.compress && res.status !== 304 && res.status !== 204 &&
        !isEncoded(res)
      ) {
        const enc = negotiate(req.headers.get("accept-encoding"));
        if (enc) res = await compressResponse(res, enc, ended !== undefined);
      }
      if (ended) {
        // A streamed export is timed to its last byte (or its abort).
        const status = res.status;
        ended.then(() => observe(req, label, status, started));
        return res;
      }
    } catch (e) {
      res = renderError(e);
    } finally {
      clientWatch.cancel(watch);
      if (watching) req.signal.removeEventListener("abort", gone);
    }
    observe(req, label, res.status, started);
    return res;
  }

  const watchers = new AbortController();
  async function loadAll(): Promise<void> {
    await loadEach(ctx, config.datasets.map((d) => d.name));
    // Only now: the loads read the KV themselves, and a poll queued behind
    // a thousand of their writes would look like an outage.
    ctx.follower.start();
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
    await ctx.follower.stop();
    auth.close();
    await ctx.registry.close();
    await engine.shutdown();
    store.close();
  }

  function listen(lopts: { onListen?: (url: string) => void } = {}) {
    return listenHttp(handler, {
      hostname: config.listen,
      port: config.port,
      headerTimeoutMs: config.header_timeout_ms,
      onListen: lopts.onListen,
    });
  }

  return { handler, loadAll, listen, close, ctx };
}
