/**
 * Request deadlines on one shared timer. A timer per request costs more
 * than the rest of a small request's bookkeeping; one sweep every few
 * milliseconds (a fraction of the timeout) fires expired entries instead.
 */
interface Entry {
  at: number;
  expire: () => void;
}

export class Deadlines {
  readonly #live = new Set<Entry>();
  readonly #periodMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(timeoutMs: number) {
    this.#periodMs = Math.max(2, Math.min(100, Math.floor(timeoutMs / 10)));
  }

  /** Calls `expire` once `ms` have passed, unless `cancel` comes first. */
  add(ms: number, expire: () => void): () => void {
    const entry = { at: performance.now() + ms, expire };
    this.#live.add(entry);
    if (this.#timer === undefined) {
      const timer = setInterval(() => this.#sweep(), this.#periodMs);
      // An idle server must still be free to exit.
      Deno.unrefTimer(timer);
      this.#timer = timer;
    }
    return () => this.#live.delete(entry);
  }

  #sweep(): void {
    const now = performance.now();
    for (const e of this.#live) {
      if (e.at > now) continue;
      this.#live.delete(e);
      e.expire();
    }
    if (this.#live.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
