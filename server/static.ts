/**
 * Serves the bundled query builder from `ui/dist/`. From a checkout the
 * bundle is built on first use; the compiled binary embeds it.
 */
import { VARY } from "./http.ts";

const DIST = new URL("../ui/dist/", import.meta.url);

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

let building: Promise<void> | null = null;

/** Builds ui/dist once when it is missing (running from a source checkout). */
function ensureUiBuilt(): Promise<void> {
  building ??= (async () => {
    try {
      await Deno.stat(new URL("app.js", DIST));
    } catch {
      const { buildUi } = await import("../ui/build.ts");
      await buildUi();
    }
  })();
  return building;
}

/** The UI file for a path below the mount point (`/`, `/ui/`, `/ui/app.js`), or null. */
export async function uiResponse(pathname: string): Promise<Response | null> {
  const file = pathname === "/" || pathname === "/ui" || pathname === "/ui/"
    ? "index.html"
    : pathname.startsWith("/ui/")
    ? pathname.slice(pathname.lastIndexOf("/") + 1)
    : null;
  if (file === null || !/^[\w.-]+$/.test(file) || file.startsWith(".")) {
    return null;
  }
  try {
    await ensureUiBuilt();
    const body = await Deno.readFile(new URL(file, DIST));
    const ext = file.slice(file.lastIndexOf("."));
    return new Response(body, {
      headers: {
        "content-type": TYPES[ext] ?? "application/octet-stream",
        "cache-control": "no-cache",
        vary: VARY,
      },
    });
  } catch {
    return null;
  }
}
