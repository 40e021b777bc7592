/**
 * Serves HTTP like Deno.serve, but closes a connection whose client takes
 * longer than `headerTimeoutMs` to send a request's headers.
 *
 * Deno.serve (2.9.6) has no such bound: a connection that trickles header
 * bytes, or sends nothing, stays open for good, and no option or environment
 * variable sets one. node:http's `headersTimeout` does work under Deno, but
 * node:http serves under half of Deno.serve's requests per second. So we
 * accept TCP connections ourselves and hand each to Deno.serve's own HTTP
 * engine through `serveHttpOnConnection`, an internal of Deno (no public API
 * serves one connection). Against Deno.serve on 2 cores, that costs 1-2 µs
 * of CPU per request on a kept-alive connection (the eq page keeps 95 % of its
 * throughput) but about 20 µs per new connection, as the engine's
 * per-connection setup then runs from JavaScript (with a new connection per
 * request the eq page keeps 76 %).
 *
 * The engine tells us when a request's headers have arrived (the handler is
 * called) and when its response has been sent (`info.completed`), nothing
 * about header bytes. So the bound is on the time a connection spends with no
 * request in flight: from accept to the first request's headers, and from one
 * response to the next request's headers, as Go's http.Server does with only
 * ReadHeaderTimeout set. When it passes, the connection is shut down
 * gracefully, which closes it at once; no 408 is sent, as the engine owns the
 * socket.
 */
import { log } from "./log.ts";
import { ClientGoneError } from "./owned_stream.ts";

export interface ListenOptions {
  hostname: string;
  port: number;
  /** 0 turns the bound off. */
  headerTimeoutMs: number;
  onListen?: (url: string) => void;
}

export interface Listening {
  url: Promise<string>;
  /** Settles once shut down and every connection has closed. */
  finished: Promise<void>;
  /** Stops accepting, closes idle connections, waits for in-flight requests. */
  shutdown(): Promise<void>;
}

type Handler = (req: Request) => Response | Promise<Response>;

/** What `serveHttpOnConnection` returns, as Deno.serve's server does. */
interface ConnServer {
  finished: Promise<void>;
  shutdown(): Promise<void>;
}

type ServeOnConnection = (
  conn: Deno.Conn,
  signal: AbortSignal | undefined,
  handler: (
    req: Request,
    info: Deno.ServeHandlerInfo,
  ) => Response | Promise<Response>,
  onError: (error: unknown) => Response,
  onListen: () => void,
) => ConnServer;

interface Connection {
  server: ConnServer;
  inFlight: number;
  /** performance.now() when the connection last had no request in flight. */
  idleSince: number;
  /** Settles when the connection has closed. */
  closed: Promise<void>;
}

/** After a failed accept (e.g. out of file descriptors) before trying again. */
const ACCEPT_RETRY_MS = 100;

function serveOnConnection(): ServeOnConnection {
  const internal = (Deno as unknown as { internal?: symbol }).internal;
  const internals = internal === undefined ? undefined : (Deno as unknown as {
    [k: symbol]: { serveHttpOnConnection?: unknown } | undefined;
  })[internal];
  const serve = internals?.serveHttpOnConnection;
  if (typeof serve !== "function") {
    throw new Error(
      `Deno ${Deno.version.deno} has no Deno[Deno.internal].serveHttpOnConnection, which the header timeout needs; use Deno 2.9.6`,
    );
  }
  return serve as ServeOnConnection;
}

/**
 * The app's handler renders its own errors, so what reaches here is a body
 * stream that failed while being sent, such as an export cut off after
 * export_idle_timeout_ms: a client's doing, logged as a warning. A client
 * that left is not worth a line.
 */
function internalError(error: unknown): Response {
  if (!(error instanceof ClientGoneError)) {
    log("warn", { msg: "response failed", error: String(error) });
  }
  return new Response("Internal Server Error", { status: 500 });
}

/**
 * Listens at once: a port in use or an unresolvable host throws here, as with
 * Deno.serve.
 */
export function listen(handler: Handler, opts: ListenOptions): Listening {
  const serveOn = serveOnConnection();
  const listener = Deno.listen({ hostname: opts.hostname, port: opts.port });
  const { hostname, port } = listener.addr;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  const url = `http://${host}:${port}`;
  opts.onListen?.(url);

  const connections = new Set<Connection>();
  const timeoutMs = opts.headerTimeoutMs;
  // One timer for all connections; sweeping every quarter of the timeout (at
  // most every second) closes a connection within 1.25 times the timeout.
  const every = Math.min(1000, timeoutMs / 4);
  let lastSweep = performance.now();
  const sweeper = timeoutMs > 0
    ? setInterval(() => {
      const now = performance.now();
      const late = now - lastSweep > 2 * every;
      lastSweep = now;
      // Socket reads run on the thread JavaScript runs on: after a long
      // task, a request that arrived meanwhile is still unread, and its
      // connection only looks idle. Sweep once the loop has kept time.
      if (late) return;
      for (const c of connections) {
        if (c.inFlight === 0 && now - c.idleSince >= timeoutMs) {
          // Graceful, so requests the engine already holds are answered;
          // failures show in `closed`.
          c.server.shutdown().catch(() => {});
        }
      }
    }, every)
    : undefined;

  function serve(conn: Deno.Conn): void {
    const settled = () => {
      if (--c.inFlight === 0) c.idleSince = performance.now();
    };
    const forget = () => {
      connections.delete(c);
    };
    // The engine calls the handler from a later task, once `c` exists.
    const server = serveOn(
      conn,
      undefined,
      (req, info) => {
        c.inFlight++;
        info.completed.then(settled, settled);
        return handler(req);
      },
      internalError,
      () => {},
    );
    const c: Connection = {
      server,
      inFlight: 0,
      idleSince: performance.now(),
      // A client resetting the connection rejects `finished`: nothing to do.
      closed: server.finished.then(forget, forget),
    };
    connections.add(c);
  }

  let closing = false;
  async function accept(): Promise<void> {
    while (!closing) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (e) {
        if (closing) return;
        // The listener stays usable after e.g. EMFILE: serve on once it passes.
        log("warn", { msg: "accept failed", error: String(e) });
        await new Promise((r) => setTimeout(r, ACCEPT_RETRY_MS));
        continue;
      }
      serve(conn);
    }
  }
  const accepting = accept();

  let finish!: () => void;
  const finished = new Promise<void>((resolve) => finish = resolve);
  let stopping: Promise<void> | undefined;
  function shutdown(): Promise<void> {
    stopping ??= (async () => {
      closing = true;
      listener.close();
      await accepting;
      await Promise.all(
        [...connections].map((c) =>
          c.server.shutdown().catch(() => {}).then(() => c.closed)
        ),
      );
      clearInterval(sweeper);
      finish();
    })();
    return stopping;
  }

  return { url: Promise.resolve(url), finished, shutdown };
}
