/** Reading a parquet file's footer (metadata) without reading its data. */
import { type FileMetaData, parquetMetadata } from "hyparquet";

/** Footer length and the `PAR1` magic sit in a file's last 8 bytes. */
const TAIL = 8;

/**
 * The footer metadata of the local parquet file at `path`, read with two
 * small reads at the end of the file. Throws a plain Error (with no path in
 * it) when the file is not parquet.
 */
export async function readFooter(path: string): Promise<FileMetaData> {
  using file = await Deno.open(path);
  const size = (await file.stat()).size;
  if (size < TAIL + 4) throw new Error("too short to be a parquet file");
  const tail = new Uint8Array(TAIL);
  await readAt(file, size - TAIL, tail);
  const length = new DataView(tail.buffer).getUint32(0, true);
  const magic = String.fromCharCode(...tail.subarray(4));
  if (magic !== "PAR1") throw new Error("no parquet magic bytes at its end");
  if (length + TAIL + 4 > size) throw new Error("footer length out of range");
  const footer = new Uint8Array(length + TAIL);
  await readAt(file, size - length - TAIL, footer);
  // geoparquet off: geometry columns stay the binary they are physically.
  return parquetMetadata(footer.buffer, { geoparquet: false });
}

async function readAt(
  file: Deno.FsFile,
  offset: number,
  buf: Uint8Array,
): Promise<void> {
  await file.seek(offset, Deno.SeekMode.Start);
  let at = 0;
  while (at < buf.length) {
    const n = await file.read(buf.subarray(at));
    if (n === null) throw new Error("unexpected end of file");
    at += n;
  }
}
