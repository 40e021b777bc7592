/** `datapress open data.csv` serves the CSV like a parquet file. */
import assert from "node:assert/strict";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

Deno.test("open data.csv serves it", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/data.csv`, "city,n\nOslo,3\nLima,5\n");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "open",
      "data.csv",
      "--no-browser",
      "--kv",
      ":memory:",
    ],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
    env: { DATAPRESS_LOG: "error", XDG_CACHE_HOME: `${dir}/cache` },
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
    let text = "";
    let url: string | undefined;
    while (!url) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`exited: ${text}`);
      text += value;
      url = /listening on (\S+)/.exec(text)?.[1];
    }
    // The rest of stdout is not needed; keep draining it so the child never blocks.
    (async () => {
      while (!(await reader.read()).done);
    })();
    const schema = await (await fetch(`${url}/api/v1/datasets/data/schema`))
      .json();
    assert.deepEqual(
      schema.columns.map((
        c: { name: string; type: string },
      ) => [c.name, c.type]),
      [["city", "string"], ["n", "int64"]],
    );
    const q = encodeURIComponent(
      JSON.stringify({ order_by: [{ col: "n", dir: "desc" }] }),
    );
    const page = await (await fetch(`${url}/api/v1/datasets/data/query?q=${q}`))
      .json();
    assert.deepEqual(page.rows, [{ city: "Lima", n: 5 }, {
      city: "Oslo",
      n: 3,
    }]);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stderr.cancel().catch(() => {});
  }
});
