/**
 * server/listen.ts bounds the time a client may take to send request headers:
 * a connection trickling header bytes, or sending nothing, is closed after
 * headerTimeoutMs, while requests, slow answers and streamed answers are not.
 */
import assert from "node:assert/strict";
import { listen, type Listening } from "../../server/listen.ts";

const TIMEOUT_MS = 300;
/** The sweep closes within 1.25 times the timeout; the rest is a loaded CI. */
const LATEST_MS = 3000;

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const enc = new TextEncoder();
const dec = new TextDecoder();

function canListenOnIPv6(): boolean {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return true;
  } catch {
    return false;
  }
}

async function handler(req: Request): Promise<Response> {
  const path = new URL(req.url).pathname;
  if (path === "/slow") {
    await delay(2 * TIMEOUT_MS);
    return new Response("slow");
  }
  if (path === "/block") {
    // A long task: the server reads no socket meanwhile.
    const until = performance.now() + 4 * TIMEOUT_MS;
    while (performance.now() < until);
    return new Response("done");
  }
  if (path === "/stream") {
    let n = 0;
    return new Response(
      new ReadableStream<Uint8Array>({
        async pull(c) {
          await delay(TIMEOUT_MS / 2);
          if (n++ === 4) c.close();
          else c.enqueue(enc.encode(`chunk${n}\n`));
        },
      }),
    );
  }
  return Response.json({ echo: await req.json() });
}

async function withServer(
  run: (url: string, port: number) => Promise<void>,
): Promise<void> {
  const server: Listening = listen(handler, {
    hostname: "127.0.0.1",
    port: 0,
    headerTimeoutMs: TIMEOUT_MS,
  });
  const url = await server.url;
  try {
    await run(url, Number(new URL(url).port));
  } finally {
    await server.shutdown();
    await server.finished;
  }
}

/**
 * Reads until `done(text so far)` or the server closes the connection, giving
 * up after LATEST_MS; `ms` counts from `since`.
 */
async function readUntil(
  conn: Deno.Conn,
  since: number,
  done: (text: string) => boolean = () => false,
): Promise<{ ms: number; text: string; closed: boolean }> {
  let text = "";
  const buf = new Uint8Array(1024);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const giveUp = new Promise<"late">((r) =>
    timer = setTimeout(() => r("late"), LATEST_MS - (performance.now() - since))
  );
  let closed = false;
  while (!done(text)) {
    const n = await Promise.race([conn.read(buf), giveUp]).catch((e) => {
      // A reset is a close too.
      if (e instanceof Deno.errors.ConnectionReset) return null;
      throw e;
    });
    if (n === "late") break;
    if (n === null) {
      closed = true;
      break;
    }
    text += dec.decode(buf.subarray(0, n));
  }
  clearTimeout(timer);
  return { ms: performance.now() - since, text, closed };
}

function assertTimedOut(r: { ms: number; closed: boolean }): void {
  assert.ok(r.closed, `still open after ${r.ms} ms`);
  // Half, as the client may see an answer's end well after the server sent it.
  assert.ok(r.ms >= TIMEOUT_MS / 2, `closed after ${r.ms} ms, too early`);
}

Deno.test("a connection trickling its headers is closed after the timeout", async () => {
  await withServer(async (_url, port) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const since = performance.now();
    await conn.write(enc.encode("GET / HTTP/1.1\r\n"));
    // A byte every 50 ms: never idle, yet the headers never end.
    let reading = true;
    const trickle = (async () => {
      while (reading) {
        await delay(50);
        if (reading) await conn.write(enc.encode("X")).catch(() => {});
      }
    })();
    const r = await readUntil(conn, since);
    reading = false;
    await trickle;
    conn.close();
    assertTimedOut(r);
    assert.equal(r.text, "");
  });
});

Deno.test("a connection that sends nothing is closed after the timeout", async () => {
  await withServer(async (_url, port) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const r = await readUntil(conn, performance.now());
    conn.close();
    assertTimedOut(r);
  });
});

Deno.test("the timeout runs again from each answer's end", async () => {
  await withServer(async (_url, port) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    // Answers taking longer than the timeout keep the connection open.
    await conn.write(enc.encode("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
    const slow = await readUntil(
      conn,
      performance.now(),
      (t) => t.endsWith("slow"),
    );
    assert.match(slow.text, /^HTTP\/1\.1 200 /);
    await conn.write(enc.encode("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
    const streamed = await readUntil(
      conn,
      performance.now(),
      (t) => t.endsWith("0\r\n\r\n"),
    );
    assert.match(streamed.text, /chunk4/);
    const idle = await readUntil(conn, performance.now());
    conn.close();
    assertTimedOut(idle);
  });
});

Deno.test("requests are answered, slow and streamed ones too", async () => {
  await withServer(async (url) => {
    const res = await fetch(`${url}/`, {
      method: "POST",
      body: JSON.stringify({ a: 1 }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { echo: { a: 1 } });

    const slow = await fetch(`${url}/slow`);
    assert.equal(await slow.text(), "slow");

    const stream = await fetch(`${url}/stream`);
    assert.equal(
      await stream.text(),
      "chunk1\nchunk2\nchunk3\nchunk4\n",
    );
  });
});

Deno.test({
  name: "the url brackets IPv6 hosts; shutdown closes idle connections",
  ignore: !canListenOnIPv6(),
  async fn() {
    let announced = "";
    const server = listen(handler, {
      hostname: "::1",
      port: 0,
      headerTimeoutMs: 60_000,
      onListen: (u) => announced = u,
    });
    const url = await server.url;
    assert.match(url, /^http:\/\/\[::1\]:\d+$/);
    assert.equal(announced, url);
    const conn = await Deno.connect({
      hostname: "::1",
      port: Number(new URL(url).port),
    });
    await conn.write(enc.encode("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
    const answered = await readUntil(
      conn,
      performance.now(),
      (t) => t.endsWith("slow"),
    );
    assert.match(answered.text, /^HTTP\/1\.1 200 /);
    const since = performance.now();
    await server.shutdown();
    await server.finished;
    const idle = await readUntil(conn, since);
    conn.close();
    assert.ok(
      idle.closed && idle.ms < TIMEOUT_MS,
      `closed after ${idle.ms} ms`,
    );
  },
});

/** A client in its own process, so the server's long task can't stall it. */
const CLIENT = `
const enc = new TextEncoder();
const port = Number(Deno.env.get("PORT"));
const post = (path, body) => enc.encode("POST " + path + " HTTP/1.1\\r\\nHost: x\\r\\n" +
  "Content-Type: application/json\\r\\nContent-Length: " + body.length + "\\r\\n\\r\\n" + body);
async function answer(conn, want) {
  let text = "";
  const buf = new Uint8Array(1024);
  while (!text.includes(want)) {
    const n = await conn.read(buf).catch(() => null);
    if (n === null) return "closed";
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
  return "answered";
}
const a = await Deno.connect({ hostname: "127.0.0.1", port });
const b = await Deno.connect({ hostname: "127.0.0.1", port });
await a.write(post("/", "1"));
await answer(a, '"echo":1');
await b.write(post("/block", "0"));
await new Promise((r) => setTimeout(r, ${TIMEOUT_MS / 2}));
await a.write(post("/", "2"));
console.log(await answer(a, '"echo":2'));
`;

Deno.test("a request sent while the server ran a long task is answered, not cut by the sweep", async () => {
  await withServer(async (_url, port) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", CLIENT],
      env: { PORT: String(port), NO_COLOR: "1" },
      stdout: "piped",
    }).output();
    assert.equal(new TextDecoder().decode(out.stdout).trim(), "answered");
  });
});

Deno.test("startup errors throw where the caller can catch them", () => {
  const opts = { hostname: "127.0.0.1", port: 0, headerTimeoutMs: TIMEOUT_MS };
  const taken = Deno.listen(opts);
  try {
    assert.throws(
      () => listen(handler, { ...opts, port: taken.addr.port }),
      Deno.errors.AddrInUse,
    );
  } finally {
    taken.close();
  }
  assert.throws(
    () => listen(handler, { ...opts, hostname: "no-such-host.invalid" }),
    /failed to lookup address/,
  );
});
