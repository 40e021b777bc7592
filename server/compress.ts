/**
 * Response compression negotiated from Accept-Encoding q-values: zstd, br
 * or gzip through node:zlib, streaming for streamed bodies.
 */
import zlib from "node:zlib";

export type Encoding = "zstd" | "br" | "gzip";
const PREFERENCE: Encoding[] = ["zstd", "br", "gzip"];
const MIN_BYTES = 1024;
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** The best encoding the client accepts, or null for identity. */
export function negotiate(header: string | null): Encoding | null {
  if (!header) return null;
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q=(\S*)\s*$/.exec(p);
      // RFC 9110 qvalues run from 0 to 1 with up to three decimals; any
      // other weight makes the coding unacceptable rather than preferred.
      if (m) weight = QVALUE.test(m[1]!) ? Number(m[1]) : 0;
    }
    q.set(name, weight);
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

/**
 * A web TransformStream over a node:zlib compressor. Each chunk is flushed
 * as it passes, so a streamed export reaches the client batch by batch.
 */
function compressStream(
  enc: Encoding,
): TransformStream<Uint8Array, Uint8Array> {
  const z = compressor(enc);
  let out!: TransformStreamDefaultController<Uint8Array>;
  let open = true;
  z.on("data", (d: Uint8Array) => {
    if (open) out.enqueue(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  });
  return new TransformStream<Uint8Array, Uint8Array>({
    start(ctrl) {
      out = ctrl;
    },
    transform(chunk) {
      return new Promise<void>((resolve, reject) => {
        z.write(chunk, (err) => {
          if (err) reject(err);
          else z.flush(() => resolve());
        });
      });
    },
    flush() {
      return new Promise<void>((resolve, reject) => {
        z.once("error", reject);
        z.once("end", () => {
          open = false;
          resolve();
        });
        z.end();
      });
    },
    cancel() {
      open = false;
      z.destroy();
    },
  });
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
 * `data` compressed with `enc`, or null when it is too small to be worth it
 * (under ~1 KiB, which compressResponse sends as is).
 */
export function compressBytes(
  enc: Encoding,
  data: Uint8Array,
): Uint8Array<ArrayBuffer> | null {
  if (data.length < MIN_BYTES) return null;
  return compressSync(enc, data) as Uint8Array<ArrayBuffer>;
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
    // pipeThrough carries a client's cancel back to the producer, so an
    // aborted export frees its engine work at once.
    return new Response(res.body.pipeThrough(compressStream(enc)), {
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
