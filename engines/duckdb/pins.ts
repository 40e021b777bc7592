/**
 * Pinned files: each loaded version hard-links its local files into a
 * folder of its own, so a writer replacing files at their paths cannot
 * change the answers of a published version. Pins live under the cache
 * folder, in one folder per process named for its pid and start time (one
 * subfolder per engine), so a
 * process that was killed leaves nothing behind for long: the next start
 * removes the folders of processes that no longer run.
 */
import type { ResolvedSource } from "../../sources/types.ts";

/** `pid-starttime`, the start time read from /proc (0 where there is none). */
function processTag(pid: number | "self"): string | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // Fields after the command name, which may itself hold spaces.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const start = rest[19];
    return `${pid === "self" ? Deno.pid : pid}-${start}`;
  } catch {
    return pid === "self" ? `${Deno.pid}-0` : null;
  }
}

/** True when the folder `name` (`pid-starttime`) belongs to no running process. */
function isDead(name: string): boolean {
  const m = /^(\d+)-(\d+)$/.exec(name);
  if (!m) return false;
  // Without /proc nothing can be told apart: keep everything.
  if (processTag("self")!.endsWith("-0")) return false;
  return processTag(Number(m[1])) !== name;
}

export class PinStore {
  #dir: string;
  #next = 0;

  private constructor(dir: string) {
    this.#dir = dir;
  }

  /** Sweeps pins of dead processes under `root` and makes this process's folder. */
  static async open(root: string): Promise<PinStore> {
    await Deno.mkdir(root, { recursive: true });
    for await (const e of Deno.readDir(root)) {
      if (e.isDirectory && isDead(e.name)) {
        await Deno.remove(`${root}/${e.name}`, { recursive: true }).catch(
          () => {},
        );
      }
    }
    const mine = `${root}/${processTag("self")}`;
    await Deno.mkdir(mine, { recursive: true });
    // One folder per engine: a process may run several (tests, embedding).
    return new PinStore(await Deno.makeTempDir({ dir: mine, prefix: "e" }));
  }

  /**
   * `source` with its local files read through fresh hard links, and the
   * folder holding them (null when nothing could be linked: files on
   * another file system, or S3 objects, are read at their path).
   */
  async pin(
    source: ResolvedSource,
  ): Promise<{ source: ResolvedSource; dir: string | null }> {
    const dir = `${this.#dir}/${++this.#next}`;
    try {
      await Deno.mkdir(dir);
    } catch {
      return { source, dir: null };
    }
    const files = await Promise.all(source.files.map(async (f, i) => {
      const pinned = `${dir}/${i}.parquet`;
      try {
        await Deno.link(f.path, pinned);
        return { ...f, path: pinned };
      } catch {
        return f;
      }
    }));
    return { source: { ...source, files }, dir };
  }

  /** A new empty folder of this engine's (remove it with `unpin`). */
  async scratch(): Promise<string> {
    const dir = `${this.#dir}/${++this.#next}`;
    await Deno.mkdir(dir);
    return dir;
  }

  /** Removes a version's links: they hold the old files' disk space. */
  async unpin(dir: string | null): Promise<void> {
    if (dir) await Deno.remove(dir, { recursive: true }).catch(() => {});
  }

  /** Removes this engine's folder (on shutdown). */
  async close(): Promise<void> {
    await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
  }
}
