/** The README's and docs' relative links point at files of the project (a clone has no ../shared). */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

Deno.test("README and docs/ link only to files the project holds", async () => {
  const broken: string[] = [];
  const docs = ["README.md"];
  for await (const e of Deno.readDir(new URL("docs/", ROOT))) {
    if (e.name.endsWith(".md")) docs.push(`docs/${e.name}`);
  }
  for (const doc of docs) {
    const text = await Deno.readTextFile(new URL(doc, ROOT));
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|#|mailto:)/.test(target!)) continue;
      const path = new URL(target!.split("#")[0]!, new URL(doc, ROOT));
      if (!path.href.startsWith(ROOT.href)) broken.push(`${doc}: ${target}`);
      else if (!(await Deno.stat(path).then(() => true, () => false))) {
        broken.push(`${doc}: ${target}`);
      }
    }
  }
  assert.deepEqual(broken, []);
  assert.ok(docs.includes("docs/API.md"));
});
