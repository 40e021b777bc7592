/**
 * ObjectStore over one S3 bucket. Engines read local files only, so
 * `localPath` downloads each object version once into a cache directory.
 */
import { join } from "node:path";
import { SourceError } from "../errors.ts";
import type { ObjectInfo, ObjectStore } from "../types.ts";
import { S3Client } from "./client.ts";
import type { S3Config } from "./config.ts";
import { sha256Hex } from "./sigv4.ts";

/**
 * An ObjectStore for `bucket`; paths are keys, versions are ETags.
 * Cached downloads go under `cacheDir` (created on first use).
 */
export function createS3Store(
  bucket: string,
  config: S3Config,
  cacheDir: string,
): ObjectStore {
  const client = new S3Client(config);
  const downloads = new Map<string, Promise<string>>();
  let cacheReady: Promise<void> | null = null;

  async function versionOf(key: string): Promise<string> {
    const info = await client.headObject(bucket, key);
    if (!info) throw new SourceError(`not found: s3://${bucket}/${key}`);
    return info.etag;
  }

  async function download(
    key: string,
    etag: string,
    target: string,
  ): Promise<string> {
    cacheReady ??= Deno.mkdir(cacheDir, { recursive: true });
    await cacheReady;
    if (await exists(target)) return target;
    const response = await client.getObjectResponse(bucket, key);
    const got = (response.headers.get("etag") ?? "").replace(
      /^(W\/)?"|"$/g,
      "",
    );
    if (got && etag && got !== etag) {
      await response.body?.cancel();
      throw new SourceError(
        `s3://${bucket}/${key} changed while being read; retry`,
      );
    }
    const temp = `${target}.${crypto.randomUUID()}.part`;
    try {
      const file = await Deno.open(temp, { write: true, createNew: true });
      await response.body!.pipeTo(file.writable);
      const expected = response.headers.get("content-length");
      if (
        expected !== null && (await Deno.stat(temp)).size !== Number(expected)
      ) {
        throw new SourceError(
          `download of s3://${bucket}/${key} was cut short`,
        );
      }
      await Deno.rename(temp, target);
      return target;
    } catch (e) {
      await Deno.remove(temp).catch(() => {});
      throw e instanceof SourceError ? e : new SourceError(
        `cannot cache s3://${bucket}/${key} locally`,
        (e as Error).message,
      );
    }
  }

  return {
    async list(prefix: string): Promise<ObjectInfo[]> {
      const objects = await client.listAll(bucket, prefix);
      return objects
        // "Folder" placeholder objects some tools create hold no data.
        .filter((o) => !(o.key.endsWith("/") && o.size === 0))
        .map((o) => ({ path: o.key, size: o.size, version: o.etag }))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    async stat(path: string): Promise<ObjectInfo | null> {
      const info = await client.headObject(bucket, path);
      return info && { path, size: info.size, version: info.etag };
    },
    read(path: string): Promise<Uint8Array> {
      return client.getObject(bucket, path);
    },
    async localPath(path: string): Promise<string> {
      const etag = await versionOf(path);
      const name = (await sha256Hex(`${bucket}\n${path}\n${etag}`)).slice(
        0,
        32,
      );
      const target = join(cacheDir, `${name}${extensionOf(path)}`);
      let pending = downloads.get(target);
      if (!pending) {
        pending = download(path, etag, target).finally(() =>
          downloads.delete(target)
        );
        downloads.set(target, pending);
      }
      return pending;
    },
  };
}

/** Keeps a short, safe extension so engines that sniff by name still can. */
function extensionOf(key: string): string {
  const match = /\.[A-Za-z0-9]{1,12}$/.exec(key);
  return match ? match[0] : "";
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
