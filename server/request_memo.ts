/**
 * Parsed requests by their JSON text. Parsing, validating and normalising
 * a request is a pure function of its text, so a client repeating one (a
 * dashboard refreshing, a pager going back, a cached answer) skips all
 * three. Bounded by entries and by text length; values are frozen, as
 * every request that repeats the text shares them.
 */
export class RequestMemo<T extends object> {
  #map = new Map<string, T>();

  constructor(readonly maxEntries = 1024, readonly maxText = 4096) {}

  /** The value for `text`, or `make(text)` remembered (a throw is not). */
  get(text: string, make: () => T): T {
    let v = this.#map.get(text);
    if (v !== undefined) return v;
    v = make();
    if (text.length <= this.maxText) {
      if (this.#map.size >= this.maxEntries) {
        this.#map.delete(this.#map.keys().next().value!);
      }
      this.#map.set(text, deepFreeze(v));
    }
    return v;
  }

  get size(): number {
    return this.#map.size;
  }
}

function deepFreeze<T>(v: T): T {
  if (
    v !== null && typeof v === "object" && !Object.isFrozen(v) &&
    !ArrayBuffer.isView(v)
  ) {
    Object.freeze(v);
    for (const k of Object.keys(v)) {
      deepFreeze((v as Record<string, unknown>)[k]);
    }
  }
  return v;
}
