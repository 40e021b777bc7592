/**
 * Dataset metadata in Deno KV: version, rows, schema hash, source
 * fingerprint and the last reload's outcome. Versions only grow, across
 * restarts and across replicas sharing one KV (a KV file or a KV Connect
 * URL). One catalogue epoch, bumped with every version change, is all a
 * replica needs to read (or watch) to learn that something changed.
 */
export interface ReloadOutcome {
  outcome: "ok" | "error";
  at: string;
  elapsed_ms: number;
  message?: string;
}

export interface DatasetMeta {
  version: number;
  rows: number;
  schema_hash: string;
  fingerprint: string;
  source_version: number | null;
  loaded_at: string;
  last_reload?: ReloadOutcome;
}

const PREFIX = ["datapress", "datasets"];
const KEY = (name: string) => [...PREFIX, name];
const EPOCH = ["datapress", "epoch"];

/** How long a write waits out other processes' locks on a shared KV file. */
const LOCKED_WAIT_MS = 30_000;

/**
 * Commits `op`: false when a check failed, or when another process held the
 * KV file's write lock (SQLite answers "database is locked" at once instead
 * of queueing; then after a short random pause). Either way the caller
 * re-reads and tries again.
 */
async function commitOrWait(
  op: Deno.AtomicOperation,
  deadline: number,
): Promise<boolean> {
  try {
    return (await op.commit()).ok;
  } catch (e) {
    const locked = e instanceof Error && /database is locked/.test(e.message);
    if (!locked || Date.now() > deadline) throw e;
    await new Promise((r) => setTimeout(r, 2 + Math.random() * 20));
    return false;
  }
}

export class MetaStore {
  private constructor(readonly kv: Deno.Kv) {}

  /** Opens a KV file (its folder is created), `:memory:` or a KV Connect URL. */
  static async open(location: string): Promise<MetaStore> {
    try {
      if (location !== ":memory:" && !/^https?:\/\//.test(location)) {
        const dir = location.slice(0, location.lastIndexOf("/"));
        if (dir) await Deno.mkdir(dir, { recursive: true });
      }
      return new MetaStore(await Deno.openKv(location));
    } catch (e) {
      const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
      throw new Error(`cannot open the KV store "${location}": ${why}`);
    }
  }

  async get(name: string): Promise<DatasetMeta | null> {
    return (await this.kv.get<DatasetMeta>(KEY(name))).value;
  }

  /**
   * Records a successful load. The version moves up by one when the data
   * (fingerprint) or schema changed since the stored entry, and stays put
   * otherwise; the check-and-set makes concurrent writers agree.
   */
  async recordLoad(
    name: string,
    load: Omit<DatasetMeta, "version" | "last_reload" | "loaded_at">,
    outcome: ReloadOutcome,
  ): Promise<DatasetMeta> {
    const deadline = Date.now() + LOCKED_WAIT_MS;
    for (;;) {
      const cur = await this.kv.get<DatasetMeta>(KEY(name));
      const prev = cur.value;
      const same = prev !== null && prev.fingerprint === load.fingerprint &&
        prev.schema_hash === load.schema_hash;
      const meta: DatasetMeta = {
        ...load,
        version: prev === null ? 1 : same ? prev.version : prev.version + 1,
        loaded_at: same && prev ? prev.loaded_at : new Date().toISOString(),
        last_reload: outcome,
      };
      const op = this.kv.atomic().check(cur).set(KEY(name), meta);
      // `sum` never conflicts, so replicas bumping at once all succeed.
      if (meta.version !== prev?.version) op.sum(EPOCH, 1n);
      if (await commitOrWait(op, deadline)) return meta;
    }
  }

  /** Records a failed reload without touching the live version. */
  async recordFailure(name: string, outcome: ReloadOutcome): Promise<void> {
    const deadline = Date.now() + LOCKED_WAIT_MS;
    for (;;) {
      const cur = await this.kv.get<DatasetMeta>(KEY(name));
      if (cur.value === null) return;
      const op = this.kv.atomic().check(cur)
        .set(KEY(name), { ...cur.value, last_reload: outcome });
      if (await commitOrWait(op, deadline)) return;
    }
  }

  /** The catalogue epoch: it changes whenever any dataset's version does. */
  async epoch(): Promise<bigint> {
    return (await this.kv.get<Deno.KvU64>(EPOCH)).value?.value ?? 0n;
  }

  /** Every dataset entry in the KV, by name (one prefix scan). */
  async all(): Promise<Map<string, DatasetMeta>> {
    const out = new Map<string, DatasetMeta>();
    for await (const e of this.kv.list<DatasetMeta>({ prefix: PREFIX })) {
      out.set(e.key[PREFIX.length] as string, e.value);
    }
    return out;
  }

  /**
   * Calls `onChange` when the epoch changes, where the KV delivers watch
   * events (KV Connect; a local KV file delivers them only for writes made
   * through this process's own handle). Returns the function that stops it.
   */
  watchEpoch(onChange: () => void): () => void {
    const reader = this.kv.watch([EPOCH]).getReader();
    (async () => {
      try {
        while (!(await reader.read()).done) onChange();
      } catch {
        // The KV was closed or the watch cancelled.
      }
    })();
    return () => reader.cancel().catch(() => {});
  }

  close(): void {
    this.kv.close();
  }
}
