/**
 * The baseline: a bare Deno.serve answering a small JSON document. Given a
 * directory, it also answers `POST /<name>` by reading the request body and
 * sending the bytes of `<dir>/<name>.json`: the floor under any server that
 * must read a request and send that answer.
 */
const body = JSON.stringify({ status: "ok" });
const dir = Deno.args[0];
const canned = new Map<string, Uint8Array<ArrayBuffer>>();
if (dir) {
  for await (const e of Deno.readDir(dir)) {
    if (e.name.endsWith(".json")) {
      canned.set(
        `/${e.name.slice(0, -5)}`,
        await Deno.readFile(`${dir}/${e.name}`),
      );
    }
  }
}
const json = { "content-type": "application/json" };
const server = Deno.serve(
  {
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) =>
      console.log(`listening on http://127.0.0.1:${port}`),
  },
  async (req) => {
    if (req.method !== "POST") return new Response(body, { headers: json });
    await req.arrayBuffer();
    const reply = canned.get(new URL(req.url).pathname);
    return reply
      ? new Response(reply, { headers: json })
      : new Response("not found", { status: 404 });
  },
);
Deno.addSignalListener("SIGTERM", () => server.shutdown());
await server.finished;
