/**
 * GET /api/v1/datasets/{name}/columns/{col}/profile: the column's profile
 * (server/profile/), cached per dataset version.
 */
import { ApiError } from "../../data/errors.ts";
import type { Context, Handler } from "../context.ts";
import { VARY } from "../http.ts";
import { profileJson } from "../profile/answer.ts";
import { ProfileCache } from "../profile/cache.ts";
import { profileColumn } from "../profile/profile.ts";
import { notFound } from "./datasets.ts";

/** Answers kept per server; one is a few hundred bytes to a few KiB. */
const CACHED_ANSWERS = 512;

// Per server, not per process: two servers in one process (tests, embedding)
// may serve different data under the same name and version.
const caches = new WeakMap<Context, ProfileCache>();

function cacheOf(ctx: Context): ProfileCache {
  let c = caches.get(ctx);
  if (!c) caches.set(ctx, c = new ProfileCache(CACHED_ANSWERS));
  return c;
}

export const profile: Handler = async (ctx, _req, params, signal) => {
  const name = params.name!;
  const column = params.col!;
  const answer = await ctx.registry.use(name, async (p) => {
    const field = p.ds.schema.fields.find((f) => f.name === column);
    if (!field) {
      throw new ApiError(
        404,
        "unknown_column",
        `dataset ${JSON.stringify(name)} has no column ${
          JSON.stringify(column.slice(0, 200))
        }`,
      );
    }
    const cache = cacheOf(ctx);
    const key = ProfileCache.key(name, p.version, column);
    let body = cache.get(key);
    if (body === undefined) {
      const computed = await profileColumn(ctx.engine, p.ds, field, signal);
      body = profileJson(name, p.version, computed);
      cache.set(key, body);
    }
    return new Response(body, {
      headers: { "content-type": "application/json", vary: VARY },
    });
  });
  if (!answer) throw notFound(name);
  return answer;
};
