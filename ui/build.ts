/** Bundles the query builder into ui/dist/ (app.js + index.html); no CDN at run time. */
const here = new URL(".", import.meta.url).pathname;

const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.4 system-ui,sans-serif;color:#1f2937;background:#f8fafc}
.layout{display:grid;grid-template-columns:300px 1fr;min-height:100vh}aside{background:#0f172a;color:#e2e8f0;padding:16px;overflow:auto}
aside a{color:#93c5fd;font-weight:600}h1{margin:0 0 12px;font-size:20px}h2{font-size:13px;text-transform:uppercase;color:#94a3b8;margin:18px 0 6px}
.datasets{list-style:none;padding:0;margin:0}.datasets li{padding:6px 0;border-bottom:1px solid #1e293b}.datasets li.active a{color:#fff}
.muted{color:#94a3b8;font-size:12px;margin-left:6px}table.schema{width:100%;font-size:12px}table.schema td{padding:2px 4px}
main{padding:16px;overflow:auto}fieldset{border:1px solid #e2e8f0;border-radius:8px;margin:0 0 10px;background:#fff}legend{font-weight:600}
.chips{display:flex;flex-wrap:wrap;gap:4px 12px}.row{display:flex;gap:6px;align-items:center;flex-wrap:wrap;margin:4px 0}
input,select,button{font:inherit;padding:3px 6px;border:1px solid #cbd5e1;border-radius:5px;background:#fff}button{cursor:pointer}
button.primary{background:#2563eb;color:#fff;border-color:#2563eb}.error,.field-error{color:#b91c1c;background:#fef2f2;border:1px solid #fecaca;padding:6px 8px;border-radius:6px;margin:6px 0}
.field-error{flex-basis:100%}.toolbar{display:flex;gap:6px;align-items:center;flex-wrap:wrap;margin:10px 0}
.results{overflow:auto;border:1px solid #e2e8f0;background:#fff;border-radius:8px}.results table{border-collapse:collapse;width:100%;font-size:13px}
.results th{position:sticky;top:0;background:#f1f5f9;text-align:left;padding:4px 8px;white-space:nowrap}.results td{padding:0 8px;white-space:nowrap;border-top:1px solid #f1f5f9}
td.null{color:#94a3b8}.chart{background:#fff;border:1px solid #e2e8f0;border-radius:8px;margin-bottom:10px}.copied{background:#0f172a;color:#e2e8f0;padding:8px;border-radius:6px;white-space:pre-wrap}
.token input{width:100%}
`;

const HTML =
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>datapress</title><style>${CSS}</style></head><body><div id="app"></div><script type="module" src="ui/app.js"></script></body></html>`;

/** Runs `deno bundle`; returns the output path. */
export async function buildUi(): Promise<string> {
  await Deno.mkdir(`${here}dist`, { recursive: true });
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--platform",
      "browser",
      "--minify",
      "--output",
      `${here}dist/app.js`,
      `${here}app.tsx`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `deno bundle failed: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  await Deno.writeTextFile(`${here}dist/index.html`, HTML);
  return `${here}dist`;
}

if (import.meta.main) {
  console.log(`built ${await buildUi()}`);
}
