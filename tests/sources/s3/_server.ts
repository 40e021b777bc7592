/** A real local S3 server (s3rver, verifies SigV4) in a temp directory. */
import crypto from "node:crypto";
import S3rver from "s3rver";
import type { S3Config } from "../../../sources/s3/config.ts";

export interface LocalS3 {
  config: S3Config;
  dir: string;
  close(): Promise<void>;
}

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES, which
 * Deno's node:crypto lacks ("Unknown cipher", so every truncated listing is a
 * 500). Triple DES with the key repeated three times is single DES, so map
 * "des" onto "des-ede3-cbc" for the server; nothing else changes.
 */
function shimSingleDes(): void {
  const patched = crypto as unknown as Record<string, unknown>;
  if (patched.__desShim) return;
  patched.__desShim = true;
  for (const name of ["createCipheriv", "createDecipheriv"] as const) {
    const original = crypto[name] as (...args: unknown[]) => unknown;
    patched[name] = (algorithm: string, key: Uint8Array, ...rest: unknown[]) =>
      algorithm === "des"
        ? original("des-ede3-cbc", Buffer.concat([key, key, key]), ...rest)
        : original(algorithm, key, ...rest);
  }
}
shimSingleDes();

/** s3rver's built-in account. */
export const KEY = "S3RVER";

/** Starts s3rver on 127.0.0.1 with an ephemeral port and the given buckets. */
export async function startS3(buckets: string[]): Promise<LocalS3> {
  const dir = await Deno.makeTempDir({ prefix: "s3rver-" });
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: `${dir}/data`,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const address = await server.run();
  return {
    dir,
    config: {
      endpoint: `http://127.0.0.1:${address.port}`,
      allow_http: true,
      region: "us-east-1",
      access_key_id: KEY,
      secret_access_key: KEY,
    },
    async close() {
      await server.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
