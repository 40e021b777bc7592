/**
 * A tiny ObjectStore over the local file system for these tests, so they do
 * not depend on `sources/local.ts` being finished.
 */
import type { ObjectInfo, ObjectStore } from "../../../sources/types.ts";

export function fsStore(): ObjectStore & { reads: string[] } {
  const reads: string[] = [];
  const info = async (path: string): Promise<ObjectInfo | null> => {
    try {
      const st = await Deno.stat(path);
      if (!st.isFile) return null;
      return { path, size: st.size, version: String(st.mtime?.getTime() ?? 0) };
    } catch {
      return null;
    }
  };
  const walk = async (dir: string, out: ObjectInfo[]) => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = dir.endsWith("/")
        ? dir + entry.name
        : `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path, out);
      else if (entry.isFile) {
        const i = await info(path);
        if (i) out.push(i);
      }
    }
  };
  return {
    reads,
    async list(prefix) {
      const out: ObjectInfo[] = [];
      const dir = prefix.endsWith("/")
        ? prefix
        : prefix.slice(0, prefix.lastIndexOf("/") + 1);
      await walk(dir, out);
      return out.filter((o) => o.path.startsWith(prefix)).sort((a, b) =>
        a.path < b.path ? -1 : 1
      );
    },
    stat: info,
    async read(path) {
      reads.push(path);
      return await Deno.readFile(path);
    },
    localPath(path) {
      return Promise.resolve(path);
    },
  };
}

/** A fresh temp copy of fixture `name`, for tests that change a table. */
export async function tempCopy(fixture: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "delta_test_" });
  await copyDir(fixture, dir);
  return dir;
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const src = `${from}/${entry.name}`;
    const dst = `${to}/${entry.name}`;
    if (entry.isDirectory) await copyDir(src, dst);
    else await Deno.copyFile(src, dst);
  }
}

export const FIXTURES =
  new URL("../../fixtures/delta/", import.meta.url).pathname;
