/** The local file system as an ObjectStore (absolute paths). */
import type { ObjectInfo, ObjectStore } from "./types.ts";

export class LocalStore implements ObjectStore {
  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    const walk = async (dir: string) => {
      for await (const e of Deno.readDir(dir)) {
        const path = `${dir}/${e.name}`;
        if (e.isDirectory) await walk(path);
        else if (e.isFile) {
          const s = await Deno.stat(path);
          out.push({
            path,
            size: s.size,
            version: String(s.mtime?.getTime() ?? 0),
          });
        }
      }
    };
    await walk(prefix.replace(/\/+$/, ""));
    return out.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  }

  async stat(path: string): Promise<ObjectInfo | null> {
    try {
      const s = await Deno.stat(path);
      return { path, size: s.size, version: String(s.mtime?.getTime() ?? 0) };
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
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
