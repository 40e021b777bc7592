/**
 * Request deadlines on one shared timer. A timer per request costs more
 * than the rest of a small request's bookkeeping; one sweep every few
 * milliseconds (a fraction of the timeout) fires expired entries instead.
 * Entries sit in a list sorted by deadline: requests mostly arrive in
 * deadline order, so adding is a link at the tail, cancelling an unlink,
 * and a sweep stops at the first entry still running.
 */
export interface Deadline {
  readonly at: number;
  readonly expire: () => void;
  prev: Deadline | null;
  next: Deadline | null;
}

export class Deadlines {
  #head: Deadline | null = null;
  #tail: Deadline | null = null;
  readonly #periodMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(timeoutMs: number) {
    this.#periodMs = Math.max(2, Math.min(100, Math.floor(timeoutMs / 10)));
  }

  /** Calls `expire` once `performance.now()` passes `at`, unless cancelled first. */
  add(at: number, expire: () => void): Deadline {
    const d: Deadline = { at, expire, prev: null, next: null };
    let after = this.#tail;
    while (after !== null && after.at > at) after = after.prev;
    d.prev = after;
    d.next = after === null ? this.#head : after.next;
    if (d.next === null) this.#tail = d;
    else d.next.prev = d;
    if (after === null) this.#head = d;
    else after.next = d;
    if (this.#timer === undefined) {
      const timer = setInterval(() => this.#sweep(), this.#periodMs);
      // An idle server must still be free to exit.
      Deno.unrefTimer(timer);
      this.#timer = timer;
    }
    return d;
  }

  /** Forgets `d`; a no-op once it expired or was cancelled. */
  cancel(d: Deadline): void {
    if (d.prev === null && this.#head !== d) return;
    if (d.prev === null) this.#head = d.next;
    else d.prev.next = d.next;
    if (d.next === null) this.#tail = d.prev;
    else d.next.prev = d.prev;
    d.prev = d.next = null;
  }

  #sweep(): void {
    const now = performance.now();
    while (this.#head !== null && this.#head.at <= now) {
      const d = this.#head;
      this.cancel(d);
      d.expire();
    }
    if (this.#head === null) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
