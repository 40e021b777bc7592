/**
 * Dataset metadata in Deno KV: version, rows, schema hash, source
 * fingerprint and the last reload's outcome. Versions only grow, across
 * restarts and across replicas sharing one KV (KV Connect URL).
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

const KEY = (name: string) => ["datapress", "datasets", name];

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
      const res = await this.kv.atomic().check(cur).set(KEY(name), meta)
        .commit();
      if (res.ok) return meta;
    }
  }

  /** Records a failed reload without touching the live version. */
  async recordFailure(name: string, outcome: ReloadOutcome): Promise<void> {
    for (;;) {
      const cur = await this.kv.get<DatasetMeta>(KEY(name));
      if (cur.value === null) return;
      const res = await this.kv.atomic().check(cur)
        .set(KEY(name), { ...cur.value, last_reload: outcome }).commit();
      if (res.ok) return;
    }
  }

  /** Calls `onVersion` whenever another writer stores a dataset's entry. */
  watch(
    names: string[],
    onVersion: (name: string, version: number) => void,
  ): () => void {
    if (names.length === 0) return () => {};
    const stream = this.kv.watch<DatasetMeta[]>(names.map(KEY));
    const reader = stream.getReader();
    (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          value.forEach((e, i) => {
            if (e.value) onVersion(names[i]!, e.value.version);
          });
        }
      } catch {
        // The KV was closed.
      }
    })();
    return () => reader.cancel().catch(() => {});
  }

  close(): void {
    this.kv.close();
  }
}
