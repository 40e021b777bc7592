/**
 * A streamed response body that owns what produces it. Whatever way the
 * stream ends (all sent, a producer error, the client closing the
 * connection, or a client that stops reading for `idleMs`), `close` runs
 * exactly once, so the engine work, connection and dataset lease behind an
 * export are always given back.
 */

/** What a body errors with when its client has left: nobody reads it. */
export class ClientGoneError extends Error {
  constructor() {
    super("the client went away");
    this.name = "ClientGoneError";
  }
}

export type StreamEnd = "done" | "error" | "client_closed" | "idle_timeout";

export interface OwnedStream {
  body: ReadableStream<Uint8Array>;
  /** Settles once `close` has run, with how the stream ended. */
  ended: Promise<StreamEnd>;
}

/**
 * `next` yields the body's chunks (null at the end); `close` frees
 * everything behind them. A client that reads nothing for `idleMs`
 * (0 = never) is cut off: the body errors, so the connection closes.
 * `gone` is the request's own signal: a client that left before the body
 * started (an impatient fetch, a closed tab) ends it with no chunk made.
 */
export function ownedStream(
  next: () => Promise<Uint8Array | null>,
  close: (end: StreamEnd) => Promise<void>,
  idleMs: number,
  gone?: AbortSignal,
): OwnedStream {
  let finished = false;
  let idle: ReturnType<typeof setTimeout> | undefined;
  let resolveEnded!: (end: StreamEnd) => void;
  const ended = new Promise<StreamEnd>((r) => resolveEnded = r);
  const finish = async (end: StreamEnd): Promise<void> => {
    if (finished) return;
    finished = true;
    clearTimeout(idle);
    gone?.removeEventListener("abort", left);
    try {
      await close(end);
    } finally {
      resolveEnded(end);
    }
  };
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const left = () => {
    if (finished) return;
    controller.error(new ClientGoneError());
    finish("client_closed");
  };
  const body = new ReadableStream<Uint8Array>({
    start(ctrl) {
      controller = ctrl;
      if (gone?.aborted) left();
      else gone?.addEventListener("abort", left, { once: true });
    },
    async pull(ctrl) {
      // The client asked for more, so it is reading.
      clearTimeout(idle);
      let chunk: Uint8Array | null;
      try {
        chunk = await next();
      } catch (e) {
        if (finished) return;
        ctrl.error(e);
        await finish("error");
        return;
      }
      if (finished) return;
      if (chunk === null) {
        ctrl.close();
        await finish("done");
        return;
      }
      ctrl.enqueue(chunk);
      if (idleMs > 0) {
        // Armed until the next pull: with no buffer, no pull means the
        // client has not taken the last chunk.
        idle = setTimeout(() => {
          ctrl.error(
            new Error(
              `the client read nothing for export_idle_timeout_ms (${idleMs} ms)`,
            ),
          );
          finish("idle_timeout");
        }, idleMs);
      }
    },
    cancel() {
      return finish("client_closed");
    },
    // No chunk is made before the server starts sending: by then a client
    // that has already left is known to be gone, and costs nothing more.
  }, { highWaterMark: 0 });
  return { body, ended };
}
