/**
 * Response compression negotiated from Accept-Encoding q-values: zstd, br
 * or gzip through node:zlib, streaming for streamed bodies.
 */
import zlib from "node:zlib";
import { Readable } from "node:stream";

export type Encoding = "zstd" | "br" | "gzip";
const PREFERENCE: Encoding[] = ["zstd", "br", "gzip"];
const MIN_BYTES = 1024;

/** The best encoding the client accepts, or null for identity. */
export function negotiate(header: string | null): Encoding | null {
  if (!header) return null;
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q=([0-9.]+)\s*$/.exec(p);
      if (m) weight = Number(m[1]);
    }
    q.set(name, Number.isFinite(weight) ? weight : 0);
  }
  let best: Encoding | null = null;
  let bestQ = 0;
  for (const enc of PREFERENCE) {
    const w = q.get(enc) ?? q.get("*") ?? 0;
    if (w > bestQ) {
      best = enc;
      bestQ = w;
    }
  }
  return best;
}

function compressor(enc: Encoding) {
  switch (enc) {
    case "zstd":
      return zlib.createZstdCompress();
    case "br":
      return zlib.createBrotliCompress({
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 },
      });
    case "gzip":
      return zlib.createGzip({ level: 6 });
  }
}

function compressSync(enc: Encoding, data: Uint8Array): Uint8Array {
  switch (enc) {
    case "zstd":
      return zlib.zstdCompressSync(data);
    case "br":
      return zlib.brotliCompressSync(data, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 },
      });
    case "gzip":
      return zlib.gzipSync(data, { level: 6 });
  }
}

/**
 * `res` compressed with `enc` when it has a body of at least ~1 KiB. Its
 * headers, Vary included, carry over.
 */
export async function compressResponse(
  res: Response,
  enc: Encoding,
  streamed: boolean,
): Promise<Response> {
  // Reading `res.body` turns a plain body into a stream Deno then serves
  // slowly, so it is only touched once compression is wanted.
  if (!res.body) return res;
  const headers = new Headers(res.headers);
  headers.set("content-encoding", enc);
  headers.delete("content-length");
  if (streamed) {
    const source = Readable.fromWeb(
      res.body as import("node:stream/web").ReadableStream,
    );
    const out = source.pipe(compressor(enc));
    return new Response(Readable.toWeb(out) as ReadableStream<Uint8Array>, {
      status: res.status,
      headers,
    });
  }
  const data = new Uint8Array(await res.arrayBuffer());
  if (data.length < MIN_BYTES) {
    headers.delete("content-encoding");
    return new Response(data, { status: res.status, headers });
  }
  return new Response(compressSync(enc, data) as Uint8Array<ArrayBuffer>, {
    status: res.status,
    headers,
  });
}
