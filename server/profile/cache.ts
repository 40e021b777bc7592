/**
 * The most recently used profile answers, at most `max` of them. A key
 * names the dataset version, so a reload never serves an old answer and
 * old versions' answers simply age out.
 */
export class ProfileCache {
  readonly #entries = new Map<string, string>();
  constructor(readonly max: number) {}

  static key(dataset: string, version: number, column: string): string {
    return JSON.stringify([dataset, version, column]);
  }

  get(key: string): string | undefined {
    const v = this.#entries.get(key);
    if (v !== undefined) {
      // Maps iterate in insertion order: re-inserting marks it newest.
      this.#entries.delete(key);
      this.#entries.set(key, v);
    }
    return v;
  }

  set(key: string, answer: string): void {
    this.#entries.delete(key);
    this.#entries.set(key, answer);
    if (this.#entries.size > this.max) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
