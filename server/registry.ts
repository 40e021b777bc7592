/**
 * The published datasets. Each name points at one immutable LoadedDataset;
 * a reload builds the next one aside and swaps the pointer. Requests hold a
 * lease on the dataset they started with, and a replaced dataset is closed
 * only when its last lease ends, so no answer mixes two versions. The
 * version a reload replaced stays servable to requests pinned to it for a
 * grace period, where the engine can afford to hold both.
 */
import type { Engine, LoadedDataset } from "../engines/engine.ts";
import type { DatasetConfig } from "./dataset_config.ts";

export interface Published {
  ds: LoadedDataset;
  version: number;
  loadedAt: string;
  leases: number;
  retired: boolean;
}

export interface Entry {
  config: DatasetConfig;
  current: Published | null;
  /** The version the last reload replaced, kept until `previousUntil`. */
  previous: Published | null;
  previousUntil: number;
  /** Serialises reloads of this dataset. */
  lock: Promise<unknown>;
}

export interface RetainPolicy {
  /** How long a replaced version stays servable (0: closed at once). */
  graceMs: number;
  /** Both versions must fit in this many bytes of engine memory. */
  memoryLimitBytes: number;
}

export class Registry {
  readonly entries = new Map<string, Entry>();
  #leases = 0;
  #retained = new Set<Entry>();
  /** One timer for every retained version: it fires at the earliest expiry. */
  #sweep: ReturnType<typeof setTimeout> | undefined;
  #sweepAt = Infinity;

  constructor(
    readonly engine: Engine,
    readonly retain: RetainPolicy = { graceMs: 0, memoryLimitBytes: 0 },
  ) {}

  /** Leases held by running requests and streams, over every version. */
  get leasesHeld(): number {
    return this.#leases;
  }

  get loadedCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.current) n++;
    return n;
  }

  add(config: DatasetConfig): void {
    this.entries.set(config.name, {
      config,
      current: null,
      previous: null,
      previousUntil: 0,
      lock: Promise.resolve(),
    });
  }

  get ready(): boolean {
    return [...this.entries.values()].every((e) => e.current !== null);
  }

  /** Runs `fn` with the dataset's current version, keeping it open meanwhile. */
  async use<T>(
    name: string,
    fn: (p: Published) => Promise<T>,
  ): Promise<T | undefined> {
    const p = this.entries.get(name)?.current;
    if (!p) return undefined;
    p.leases++;
    this.#leases++;
    try {
      return await fn(p);
    } finally {
      this.#leases--;
      p.leases--;
      if (p.retired && p.leases === 0) {
        await this.engine.close(p.ds).catch(() => {});
      }
    }
  }

  /**
   * Takes a lease the caller must end with `release` (for streamed
   * answers): on `version` when given and still held, else on the current
   * version; undefined when there is no such version.
   */
  lease(name: string, version?: number): Published | undefined {
    const e = this.entries.get(name);
    const p = version === undefined || e?.current?.version === version
      ? e?.current
      : e?.previous?.version === version
      ? e.previous
      : undefined;
    if (!p) return undefined;
    p.leases++;
    this.#leases++;
    return p;
  }

  release(p: Published): void {
    this.#leases--;
    p.leases--;
    if (p.retired && p.leases === 0) this.engine.close(p.ds).catch(() => {});
  }

  /** Publishes a new version; the old one closes once its requests finish. */
  publish(
    name: string,
    ds: LoadedDataset,
    version: number,
    loadedAt: string,
  ): void {
    const e = this.entries.get(name)!;
    const old = e.current;
    e.current = { ds, version, loadedAt, leases: 0, retired: false };
    if (!old) return;
    // The same data reloaded: the version it replaced keeps its grace.
    if (old.version === version) {
      this.#retire(old);
      return;
    }
    if (e.previous) this.#retire(e.previous);
    e.previous = null;
    this.#retained.delete(e);
    if (!this.#affords(old, e.current)) {
      this.#retire(old);
      return;
    }
    e.previous = old;
    e.previousUntil = Date.now() + this.retain.graceMs;
    this.#retained.add(e);
    this.#arm(e.previousUntil);
  }

  /** Whether `old` may stay beside `cur`: a grace period, and room for both. */
  #affords(old: Published, cur: Published): boolean {
    if (this.retain.graceMs <= 0) return false;
    const bytes = this.engine.heldBytes(old.ds) + this.engine.heldBytes(cur.ds);
    return bytes <= this.retain.memoryLimitBytes;
  }

  /** Closes `p` now, or when its last lease ends. */
  #retire(p: Published): void {
    p.retired = true;
    if (p.leases === 0) this.engine.close(p.ds).catch(() => {});
  }

  #arm(at: number): void {
    if (at >= this.#sweepAt) return;
    clearTimeout(this.#sweep);
    this.#sweepAt = at;
    this.#sweep = setTimeout(
      () => this.#expire(),
      Math.max(0, at - Date.now()),
    );
  }

  /** Retires the versions whose grace ended and re-arms for the next one. */
  #expire(): void {
    this.#sweep = undefined;
    this.#sweepAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const e of this.#retained) {
      if (e.previousUntil <= now) {
        this.#retire(e.previous!);
        e.previous = null;
        this.#retained.delete(e);
      } else next = Math.min(next, e.previousUntil);
    }
    if (next < Infinity) this.#arm(next);
  }

  /** Stops the grace timer and closes every version still held. */
  async close(): Promise<void> {
    clearTimeout(this.#sweep);
    this.#sweep = undefined;
    for (const e of this.entries.values()) {
      for (const p of [e.current, e.previous]) {
        if (p) await this.engine.close(p.ds).catch(() => {});
      }
      e.current = e.previous = null;
    }
    this.#retained.clear();
  }

  /** Runs `fn` after every earlier reload of `name` finished. */
  serialise<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const e = this.entries.get(name)!;
    const run = e.lock.then(fn, fn);
    e.lock = run.catch(() => {});
    return run;
  }
}
