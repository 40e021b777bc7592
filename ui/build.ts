/**
 * Bundles the query builder into ui/dist/: index.html (styles and icon
 * inline), app.js and favicon.svg, and the API reference of /docs
 * (docs.html, docs.js: Swagger UI); no CDN at run time. `deno task ui` and
 * compile.sh run this; the server only reads the result.
 */
const here = new URL(".", import.meta.url);
const dist = new URL("dist/", here);

/**
 * The page is served at the mount point with and without its trailing
 * slash and under /ui/, so the bundle's address is built from the mount
 * point rather than left relative to the page's address.
 */
const LOADER =
  'import(location.pathname.replace(/\\/ui(\\/.*)?$|\\/$/, "") + "/ui/app.js")';

function indexHtml(css: string, favicon: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>datapress</title>
<link rel="icon" type="image/svg+xml" href="data:image/svg+xml,${
    encodeURIComponent(favicon.trim())
  }">
<style>${css}</style>
</head>
<body><div id="app"></div><script type="module">${LOADER}</script></body>
</html>
`;
}

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>datapress API</title>
<link rel="icon" type="image/svg+xml" href="ui/favicon.svg">
</head>
<body><div id="docs"></div><script type="module" src="ui/docs.js"></script></body>
</html>
`;

/** `deno bundle` of `entry` (in ui/) into `output` (in ui/dist/). */
async function bundle(entry: string, output: string): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--platform",
      "browser",
      "--minify",
      "--output",
      new URL(output, dist).pathname,
      new URL(entry, here).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `deno bundle failed: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
}

/** Runs `deno bundle` and writes the pages beside it; returns the folder. */
export async function buildUi(): Promise<string> {
  await Deno.mkdir(dist, { recursive: true });
  await Promise.all([
    bundle("app.tsx", "app.js"),
    bundle("docs.ts", "docs.js"),
  ]);
  await Deno.writeTextFile(new URL("docs.html", dist), DOCS_HTML);
  const favicon = await Deno.readTextFile(new URL("favicon.svg", here));
  const css = await Deno.readTextFile(new URL("style.css", here));
  await Deno.writeTextFile(new URL("favicon.svg", dist), favicon);
  await Deno.writeTextFile(
    new URL("index.html", dist),
    indexHtml(css, favicon),
  );
  return dist.pathname;
}

if (import.meta.main) {
  console.log(`built ${await buildUi()}`);
}
