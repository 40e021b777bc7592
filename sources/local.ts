/** The local file system as an ObjectStore; paths are absolute, versions are mtimes. */
import type { ObjectInfo, ObjectStore } from "./types.ts";

export class LocalStore implements ObjectStore {
  /** Every file under the directory `prefix`, recursively (symlinks followed), sorted by path. */
  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    await walk(prefix.replace(/(.)\/+$/, "$1"), out);
    return out.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  }

  /** The file at `path`; null when it does not exist or is a directory. */
  async stat(path: string): Promise<ObjectInfo | null> {
    try {
      const s = await Deno.stat(path);
      return s.isFile ? info(path, s) : null;
    } catch (e) {
      if (
        e instanceof Deno.errors.NotFound ||
        e instanceof Deno.errors.NotADirectory
      ) return null;
      throw e;
    }
  }

  read(path: string): Promise<Uint8Array> {
    return Deno.readFile(path);
  }

  localPath(path: string): Promise<string> {
    return Promise.resolve(path);
  }
}

function info(path: string, s: Deno.FileInfo): ObjectInfo {
  return { path, size: s.size, version: String(s.mtime?.getTime() ?? 0) };
}

async function walk(dir: string, out: ObjectInfo[]): Promise<void> {
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(dir)) entries.push(e);
  const base = dir === "/" ? "" : dir;
  await Promise.all(entries.map(async (e) => {
    const path = `${base}/${e.name}`;
    if (e.isDirectory) return walk(path, out);
    const s = await Deno.stat(path).catch(() => null); // vanished or dangling link
    if (s?.isFile) out.push(info(path, s));
    else if (s?.isDirectory && e.isSymlink) await walk(path, out);
  }));
}
