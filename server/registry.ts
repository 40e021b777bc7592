/**
 * The published datasets. Each name points at one immutable LoadedDataset;
 * a reload builds the next one aside and swaps the pointer. Requests hold a
 * lease on the dataset they started with, and a replaced dataset is closed
 * only when its last lease ends, so no answer mixes two versions.
 */
import type { Engine, LoadedDataset } from "../engines/engine.ts";
import type { DatasetConfig } from "./config.ts";

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
  /** Serialises reloads of this dataset. */
  lock: Promise<unknown>;
}

export class Registry {
  readonly entries = new Map<string, Entry>();
  #leases = 0;
  constructor(readonly engine: Engine) {}

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

  /** Takes a lease the caller must end with `release` (for streamed answers). */
  lease(name: string): Published | undefined {
    const p = this.entries.get(name)?.current;
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
    if (old) {
      old.retired = true;
      if (old.leases === 0) this.engine.close(old.ds).catch(() => {});
    }
  }

  /** Runs `fn` after every earlier reload of `name` finished. */
  serialise<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const e = this.entries.get(name)!;
    const run = e.lock.then(fn, fn);
    e.lock = run.catch(() => {});
    return run;
  }
}
