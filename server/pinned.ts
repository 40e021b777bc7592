/**
 * Version pinning (API.md, Query body `version`): a request names the
 * version of an earlier answer, so a reader paging through a load balancer
 * never mixes two versions. It is answered from that version while this
 * replica holds it; a version newer than this replica's is caught up with
 * first (another replica reloaded and this one has not followed yet);
 * anything else is a 409 naming the current version.
 */
import { ApiError } from "../data/errors.ts";
import type { Context } from "./context.ts";
import type { Published } from "./registry.ts";

/** How long a request waits for this replica to catch up with a newer version. */
export const CATCH_UP_MS = 2_000;

/**
 * A lease (end it with `registry.release`) on `version` of `name`, or on the
 * current version when `version` is undefined; undefined when the dataset
 * does not exist or is not loaded yet.
 */
export async function leasePinned(
  ctx: Context,
  name: string,
  version: number | undefined,
): Promise<Published | undefined> {
  const entry = ctx.registry.entries.get(name);
  if (!entry?.current) return undefined;
  if (version === undefined) return ctx.registry.lease(name);
  let p = ctx.registry.lease(name, version);
  if (!p && version > entry.current.version) {
    await ctx.follower.catchUp(name, version, CATCH_UP_MS);
    p = ctx.registry.lease(name, version);
  }
  if (p) return p;
  const current = entry.current.version;
  throw new ApiError(
    409,
    "version_changed",
    version > current
      ? `version ${version} of "${name}" is not served here (the current version is ${current}); start again from page 1 without "version"`
      : `version ${version} of "${name}" is no longer served (the current version is ${current}); start again from page 1 without "version"`,
    "version",
    { current_version: current },
  );
}
