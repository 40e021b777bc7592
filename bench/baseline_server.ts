/** The baseline: a bare Deno.serve answering a small JSON document. */
const body = JSON.stringify({ status: "ok" });
const server = Deno.serve(
  {
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) =>
      console.log(`listening on http://127.0.0.1:${port}`),
  },
  () => new Response(body, { headers: { "content-type": "application/json" } }),
);
Deno.addSignalListener("SIGTERM", () => server.shutdown());
await server.finished;
