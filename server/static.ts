/**
 * Serves the query builder that `deno task ui` bundled into ui/dist/ (the
 * compiled binary embeds that folder). It never bundles: a server may run
 * from a read-only install, so a missing bundle is a 503 that names the
 * task to run.
 */
import { ApiError } from "../data/errors.ts";
import { errorResponse, VARY } from "./http.ts";
import { log } from "./log.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

const NOT_BUILT =
  "the query builder is not built: run `deno task ui`, then reload this page";

/** The bundle's file a path below the mount point names, or null. */
function fileFor(pathname: string): string | null {
  if (pathname === "/" || pathname === "/ui" || pathname === "/ui/") {
    return "index.html";
  }
  // Browsers ask for it on pages that name no icon, such as /docs.
  if (pathname === "/favicon.ico") return "favicon.svg";
  if (pathname === "/docs") return "docs.html";
  if (!pathname.startsWith("/ui/")) return null;
  const file = pathname.slice(pathname.lastIndexOf("/") + 1);
  return /^[\w.-]+$/.test(file) && !file.startsWith(".") ? file : null;
}

async function exists(url: URL): Promise<boolean> {
  try {
    await Deno.stat(url);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * The handler of UI paths (`/`, `/ui/...`, `/favicon.ico`) for the bundle
 * in `dist`: the file, null for a path that names none, or a 503 while no
 * bundle is there.
 */
export function uiFiles(
  dist: URL,
): (pathname: string) => Promise<Response | null> {
  let reported = false;
  return async (pathname) => {
    const file = fileFor(pathname);
    if (file === null) return null;
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await Deno.readFile(new URL(file, dist));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      if (await exists(new URL("index.html", dist))) return null;
      if (!reported) {
        reported = true;
        log("error", { msg: NOT_BUILT, dir: dist.pathname });
      }
      return errorResponse(new ApiError(503, "ui_not_built", NOT_BUILT));
    }
    return new Response(body, {
      headers: {
        "content-type": TYPES[file.slice(file.lastIndexOf("."))] ??
          "application/octet-stream",
        "cache-control": "no-cache",
        vary: VARY,
      },
    });
  };
}

/** The UI file for a path below the mount point, from ui/dist/. */
export const uiResponse = uiFiles(new URL("../ui/dist/", import.meta.url));
