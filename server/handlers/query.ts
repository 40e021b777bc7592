/**
 * POST .../query and .../count: body → parse → plan → engine → encode. The
 * handler only wires stages together; it holds no SQL and no engine logic.
 */
import { encodeArrowIPC } from "../../encode/arrow.ts";
import {
  EXPORT_FORMATS,
  EXPORT_MEDIA_TYPES,
  exportEncoder,
  type ExportFormat,
} from "../../encode/export.ts";
import { encodeJsonPage } from "../../encode/json.ts";
import { ApiError } from "../../data/errors.ts";
import { parseCountBody, parseQueryBody } from "../../query/parse.ts";
import {
  normalizedRequestKey,
  planCount,
  planQuery,
} from "../../query/plan.ts";
import type {
  CountRequest,
  QueryPlan,
  QueryRequest,
} from "../../query/types.ts";
import type { ResultBatch } from "../../data/types.ts";
import { bodyLimits } from "../body.ts";
import { negotiate } from "../compress.ts";
import type { Context, Handler } from "../context.ts";
import { answerEtag } from "../etag.ts";
import { markStreamed, VARY } from "../http.ts";
import { ownedStream } from "../owned_stream.ts";
import { leasePinned } from "../pinned.ts";
import type { Published } from "../registry.ts";
import { parseRequestText, readRequestText } from "../request_json.ts";
import { RequestMemo } from "../request_memo.ts";
import { notFound } from "./datasets.ts";

const ARROW = "application/vnd.apache.arrow.stream";
const utf8 = new TextEncoder();
type Format = "json" | "arrow" | ExportFormat;
const FORMATS: readonly string[] = ["json", "arrow", ...EXPORT_FORMATS];

function format(req: Request): Format {
  // Most requests have no query string; parsing the URL only for one saves
  // the parse on the rest.
  const url = req.url;
  const f = url.includes("?") ? new URL(url).searchParams.get("format") : null;
  if (f === null) {
    return (req.headers.get("accept") ?? "").includes(ARROW) ? "arrow" : "json";
  }
  if (FORMATS.includes(f)) return f as Format;
  throw new ApiError(
    400,
    "invalid_format",
    `format must be one of ${FORMATS.join(", ")}, got ${
      JSON.stringify(f.slice(0, 40))
    }`,
  );
}

function notModified(req: Request, tag: string): Response | null {
  const inm = req.headers.get("if-none-match");
  if (inm && inm.split(",").some((t) => t.trim() === tag || t.trim() === "*")) {
    return new Response(null, {
      status: 304,
      headers: { etag: tag, vary: VARY },
    });
  }
  return null;
}

/** The page without the probe row that told us whether more rows exist. */
function trim(batch: ResultBatch, size: number): ResultBatch {
  if (batch.length <= size) return batch;
  return {
    length: size,
    columns: batch.columns.map((c) => ({
      field: c.field,
      values: c.values.slice(0, size) as typeof c.values,
      valid: c.valid ? c.valid.slice(0, size) : null,
    })),
  };
}

/** The encoding compression would pick for `req` (null: identity). */
function encodingOf(ctx: Context, req: Request) {
  return ctx.config.compress
    ? negotiate(req.headers.get("accept-encoding"))
    : null;
}

/** A request parsed from its text, with its normalised key. */
interface Parsed<T> {
  body: T;
  request: string;
}
const queries = new RequestMemo<Parsed<QueryRequest>>();
const counts = new RequestMemo<Parsed<CountRequest>>();

export const query: Handler = async (ctx, req, params, signal) => {
  const fmt = format(req);
  const text = await readRequestText(req, bodyLimits(ctx));
  const make = () => {
    const body = parseQueryBody(parseRequestText(req, text));
    return { body, request: normalizedRequestKey(body) };
  };
  const { body, request } = text === null ? make() : queries.get(text, make);
  const name = params.name!;
  const p = await leasePinned(ctx, name, body.version);
  if (!p) throw notFound(name);
  let streaming = false;
  try {
    const exported = fmt !== "json" && fmt !== "arrow";
    const answers = ctx.answers;
    const enc = exported ? null : encodingOf(ctx, req);
    const key = exported ? "" : answers.key(p, request, fmt, enc);
    if (!exported) {
      // A cached answer was planned against this very version: the request
      // is valid, and planning it again is not needed.
      const hit = answers.find(
        key,
        enc === null ? null : answers.key(p, request, fmt, null),
      );
      if (hit) {
        return notModified(req, hit.etag) ?? answers.serve(key, hit, enc);
      }
    }
    const tag = answerEtag(p, name, request, fmt);
    const plan = planQuery(body, p.ds.schema, {
      maxPageSize: ctx.config.max_page_size,
    });
    const cached = notModified(req, tag);
    if (cached) return cached;
    if (exported) {
      streaming = true;
      return exportResponse(
        ctx,
        p,
        plan,
        body.limit,
        fmt,
        tag,
        signal,
        req.signal,
      );
    }
    const batch = await ctx.engine.query(p.ds, plan, signal);
    const hasMore = batch.length > plan.pageSize;
    const page = trim(batch, plan.pageSize);
    // An answer that lost the race to a timeout or a gone client is not sent.
    const store = signal.aborted ? null : key;
    if (fmt === "arrow") {
      return answers.put(
        store,
        p,
        encodeArrowIPC(page, plan.output) as Uint8Array<ArrayBuffer>,
        {
          "content-type": ARROW,
          etag: tag,
          "x-page": String(plan.page),
          "x-page-size": String(plan.pageSize),
          "x-returned": String(page.length),
          "x-has-more": String(hasMore),
          "x-dataset-version": String(p.version),
          vary: VARY,
        },
        enc,
      );
    }
    const bytes = encodeJsonPage({
      dataset: name,
      version: p.version,
      page: plan.page,
      pageSize: plan.pageSize,
      hasMore,
    }, page);
    return answers.put(store, p, bytes as Uint8Array<ArrayBuffer>, {
      "content-type": "application/json",
      etag: tag,
      vary: VARY,
    }, enc);
  } finally {
    if (!streaming) ctx.registry.release(p);
  }
};

/**
 * Every row up to `limit`, streamed batch by batch; page/page_size do not
 * apply. The stream owns the engine work, its connection and the dataset
 * lease, and gives all three back however it ends.
 */
function exportResponse(
  ctx: Context,
  p: Published,
  pagePlan: QueryPlan,
  limit: number | null,
  fmt: ExportFormat,
  tag: string,
  signal: AbortSignal,
  gone: AbortSignal,
): Response {
  const all = limit ?? Number.MAX_SAFE_INTEGER;
  const plan: QueryPlan = {
    ...pagePlan,
    offset: 0,
    take: all,
    page: 1,
    pageSize: all,
  };
  // The request's signal covers the time to the first byte; once the
  // stream runs, only the client (or the idle timeout) ends it.
  const abort = new AbortController();
  const onTimeout = () => abort.abort(signal.reason);
  signal.addEventListener("abort", onTimeout, { once: true });
  const batches = ctx.engine.stream(p.ds, plan, abort.signal)
    [Symbol.asyncIterator]();
  const encoder = exportEncoder(fmt, plan.output);
  let started = false;
  let finished = false;
  ctx.metrics.openExports++;
  const { body, ended } = ownedStream(
    async () => {
      if (!started) {
        started = true;
        const head = encoder.start();
        if (head) return head;
      }
      // A batch may leave nothing to send yet (a Parquet row group filling).
      while (!finished) {
        const next = await batches.next();
        if (next.done) {
          finished = true;
          return encoder.end();
        }
        const chunk = encoder.push(next.value);
        if (chunk) return chunk;
      }
      return null;
    },
    async (end) => {
      signal.removeEventListener("abort", onTimeout);
      if (end !== "done") {
        abort.abort(
          new ApiError(499, "client_closed", `export ended: ${end}`),
        );
      }
      // Waits for the engine to hand its connection back before the lease
      // ends, so a retired dataset is never closed under a running query.
      await batches.return?.().catch(() => {});
      ctx.registry.release(p);
      ctx.metrics.openExports--;
    },
    ctx.config.export_idle_timeout_ms,
    gone,
  );
  return markStreamed(
    new Response(body, {
      headers: {
        "content-type": EXPORT_MEDIA_TYPES[fmt],
        etag: tag,
        "x-dataset-version": String(p.version),
        "content-disposition": `attachment; filename="${p.ds.name}.${fmt}"`,
        vary: VARY,
      },
    }),
    ended,
  );
}

export const count: Handler = async (ctx, req, params, signal) => {
  const text = await readRequestText(req, bodyLimits(ctx));
  const make = () => {
    const body = parseCountBody(parseRequestText(req, text, {}));
    return { body, request: normalizedRequestKey(body) };
  };
  const { body, request } = text === null ? make() : counts.get(text, make);
  const name = params.name!;
  const p = await leasePinned(ctx, name, body.version);
  if (!p) throw notFound(name);
  try {
    // Counts are far under the compression threshold: one identity entry.
    const key = ctx.answers.key(p, request, "count", null);
    const hit = ctx.answers.find(key, null);
    if (hit) {
      return notModified(req, hit.etag) ?? ctx.answers.serve(key, hit, null);
    }
    const tag = answerEtag(p, name, request, "count");
    const filters = planCount(body, p.ds.schema);
    const cached = notModified(req, tag);
    if (cached) return cached;
    const n = await ctx.engine.count(p.ds, filters, signal);
    return ctx.answers.put(
      signal.aborted ? null : key,
      p,
      utf8.encode(`{"count":${n},"version":${p.version}}`),
      { "content-type": "application/json", etag: tag, vary: VARY },
      null,
    );
  } finally {
    ctx.registry.release(p);
  }
};
