/**
 * Following the other replicas that share this server's KV. A reload
 * anywhere bumps one catalogue epoch (store/kv.ts); every replica reads
 * that epoch every POLL_MS, and at once on a watch event where the KV
 * delivers them (a local KV file delivers none across processes, so the
 * polling is what makes it work there). When the epoch moved, one prefix
 * scan tells which datasets the KV holds at a newer version than the one
 * served, and only those are reloaded. One timer and one watch for the
 * whole catalogue, whatever the number of datasets.
 */
import type { DatasetMeta, MetaStore } from "../store/kv.ts";
import { log } from "./log.ts";
import type { Registry } from "./registry.ts";

export const POLL_MS = 250;
/** A KV read that has not answered in this long counts as an outage. */
const READ_TIMEOUT_MS = 5_000;
/** A failed follow is retried after this, doubling up to RETRY_MAX_MS. */
const RETRY_MS = 1_000;
const RETRY_MAX_MS = 60_000;

/** Builds `name` as `meta` describes and publishes it (loader.ts followDataset). */
export type FollowFn = (name: string, meta: DatasetMeta) => Promise<void>;

export class Follower {
  #epoch: bigint | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #unwatch: (() => void) | null = null;
  #polling = false;
  #again = false;
  #stopped = false;
  /** A KV read that timed out and has not settled: no second one meanwhile. */
  #hung: Promise<unknown> | null = null;
  #pending = new Map<string, Promise<void>>();
  /** The newest entry seen while a follow of an older one ran. */
  #newer = new Map<string, DatasetMeta>();
  #retry = new Map<string, { at: number; wait: number }>();
  /** False from a KV read that failed until one succeeds. */
  reachable = true;
  /** Outages seen; each is logged once, when it starts. */
  outages = 0;

  constructor(
    readonly store: MetaStore,
    readonly registry: Registry,
    readonly follow: FollowFn,
  ) {}

  /** Starts polling (once; later calls do nothing). */
  start(): void {
    if (this.#unwatch || this.#stopped) return;
    this.#unwatch = this.store.watchEpoch(() => this.#wake());
    this.#schedule(0);
  }

  /** Stops polling and waits for the follows under way (they publish into the registry). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#unwatch?.();
    while (this.#pending.size > 0) {
      await Promise.allSettled([...this.#pending.values()]);
    }
  }

  /**
   * Waits up to `ms` until this replica serves `version` of `name` or a
   * later one, following the KV's entry when it is that new. Returns at
   * once when the KV never had that version.
   */
  async catchUp(name: string, version: number, ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((r) => timer = setTimeout(r, ms));
    const served = () => this.registry.entries.get(name)?.current?.version ?? 0;
    const follow = async () => {
      while (!this.#stopped && served() < version) {
        const meta = await this.store.get(name);
        if (meta === null || meta.version < version) return;
        await this.#follow(name, meta);
        // A failed follow is retried by the poller, not in this request.
        if (this.#retry.has(name)) return;
      }
    };
    try {
      await Promise.race([timeout, follow().catch(() => {})]);
    } finally {
      clearTimeout(timer);
    }
  }

  #schedule(ms: number): void {
    if (!this.#stopped) this.#timer = setTimeout(() => this.#tick(), ms);
  }

  #wake(): void {
    if (this.#stopped) return;
    if (this.#polling) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#schedule(0);
  }

  async #tick(): Promise<void> {
    this.#polling = true;
    try {
      await this.#poll();
    } finally {
      this.#polling = false;
      this.#schedule(this.#again ? 0 : POLL_MS);
      this.#again = false;
    }
  }

  async #poll(): Promise<void> {
    const epoch = await this.#read(() => this.store.epoch());
    if (epoch === undefined) return;
    const now = Date.now();
    let due = false;
    for (const r of this.#retry.values()) due ||= r.at <= now;
    if (epoch === this.#epoch && !due) return;
    const metas = await this.#read(() => this.store.all());
    if (metas === undefined || this.#stopped) return;
    this.#epoch = epoch;
    for (const [name, e] of this.registry.entries) {
      const meta = metas.get(name);
      // Not loaded yet: the initial load reads the KV itself.
      if (!meta || !e.current || meta.version <= e.current.version) {
        this.#retry.delete(name);
        continue;
      }
      if ((this.#retry.get(name)?.at ?? 0) > now) continue;
      this.#follow(name, meta);
    }
  }

  /** One follow per dataset at a time; a newer entry seen meanwhile runs next. */
  #follow(name: string, meta: DatasetMeta): Promise<void> {
    const running = this.#pending.get(name);
    if (running) {
      const seen = this.#newer.get(name);
      if (!seen || seen.version < meta.version) this.#newer.set(name, meta);
      return running;
    }
    const run = this.follow(name, meta).then(
      () => {
        this.#retry.delete(name);
      },
      (e) => {
        const wait = Math.min(
          (this.#retry.get(name)?.wait ?? RETRY_MS / 2) * 2,
          RETRY_MAX_MS,
        );
        this.#retry.set(name, { at: Date.now() + wait, wait });
        log("warn", {
          msg: "cannot follow a reload made by another replica; retrying",
          dataset: name,
          version: meta.version,
          retry_ms: wait,
          error: e instanceof Error ? e.message : String(e),
        });
      },
    ).finally(() => {
      this.#pending.delete(name);
      const next = this.#newer.get(name);
      this.#newer.delete(name);
      if (next && !this.#stopped && !this.#retry.has(name)) {
        this.#follow(name, next);
      }
    });
    this.#pending.set(name, run);
    return run;
  }

  /** A KV read bounded in time; undefined (and an outage noted) when it fails. */
  async #read<T>(fn: () => Promise<T>): Promise<T | undefined> {
    if (this.#hung) return undefined;
    const read = fn();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer in ${READ_TIMEOUT_MS} ms`)),
        READ_TIMEOUT_MS,
      );
    });
    try {
      const value = await Promise.race([read, late]);
      if (!this.reachable) {
        this.reachable = true;
        log("warn", { msg: "KV reachable again; following resumes" });
      }
      return value;
    } catch (e) {
      if (!this.#stopped && this.reachable) {
        this.reachable = false;
        this.outages++;
        log("warn", {
          msg: "KV unreachable; serving the versions loaded so far",
          error: e instanceof Error ? e.message.split("\n")[0] : String(e),
        });
      }
      const hung = read.then(() => {}, () => {});
      this.#hung = hung;
      hung.then(() => {
        if (this.#hung === hung) this.#hung = null;
      });
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
