/** Serves the bundled query builder from `ui/dist/`. */
const DIST = new URL("../ui/dist/", import.meta.url);

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/** The UI file for a path below the mount point (`/` or `/ui/...`), or null when it is not a UI path. */
export async function uiResponse(pathname: string): Promise<Response | null> {
  const rel = pathname === "/" || pathname === "/ui" || pathname === "/ui/"
    ? "index.html"
    : pathname.startsWith("/ui/")
    ? pathname.slice(4)
    : null;
  if (rel === null || rel.includes("..")) return null;
  const ext = rel.slice(rel.lastIndexOf("."));
  try {
    const body = await Deno.readFile(new URL(rel, DIST));
    return new Response(body, {
      headers: { "content-type": TYPES[ext] ?? "application/octet-stream" },
    });
  } catch {
    return null;
  }
}
