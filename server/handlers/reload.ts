/** POST .../reload: authorised, then the shared load path. */
import { ApiError } from "../../data/errors.ts";
import { SourceError } from "../../sources/errors.ts";
import type { Handler } from "../context.ts";
import { json } from "../http.ts";
import { loadDataset } from "../loader.ts";
import { notFound } from "./datasets.ts";

export const reload: Handler = async (ctx, _req, params) => {
  const name = params.name!;
  if (!ctx.registry.entries.has(name)) throw notFound(name);
  try {
    return json(await loadDataset(ctx, name));
  } catch (e) {
    if (e instanceof ApiError) throw e;
    const reason = e instanceof SourceError
      ? e.message
      : "the new version could not be loaded; the previous version stays live";
    throw new ApiError(
      e instanceof SourceError ? 502 : 500,
      "reload_failed",
      `reload of "${name}" failed: ${reason}`,
    );
  }
};
