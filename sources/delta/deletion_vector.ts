/**
 * Delta deletion vectors: finding a descriptor's bytes (inline, relative
 * file, absolute file) and decoding them into sorted row positions.
 */
import { crc32 } from "node:zlib";
import type { ObjectStore } from "../types.ts";
import { decodeRoaringTreemap, PORTABLE_TREEMAP_MAGIC } from "./roaring.ts";
import { uuidText, z85Decode } from "./z85.ts";
import { deltaError } from "./failure.ts";
import { joinPath, resolveLogPath } from "./paths.ts";

/** The `deletionVector` field of an add or remove action. */
export interface DeletionVectorDescriptor {
  storageType: string;
  pathOrInlineDv: string;
  offset: number | null;
  sizeInBytes: number;
  cardinality: number;
}

/** Identifies a deletion vector within the log (the protocol's `uniqueId`). */
export function deletionVectorId(dv: DeletionVectorDescriptor): string {
  const base = dv.storageType + dv.pathOrInlineDv;
  return dv.offset === null ? base : `${base}@${dv.offset}`;
}

/**
 * The table-relative file name of a `u` descriptor: an optional random
 * prefix (a directory) followed by a 20-character z85 UUID.
 */
export function relativeDeletionVectorPath(pathOrInlineDv: string): string {
  if (pathOrInlineDv.length < 20) {
    throw new RangeError(
      `relative deletion vector path is shorter than 20 characters`,
    );
  }
  const prefix = pathOrInlineDv.slice(0, -20);
  const uuid = uuidText(z85Decode(pathOrInlineDv.slice(-20)));
  const file = `deletion_vector_${uuid}.bin`;
  return prefix === "" ? file : `${prefix}/${file}`;
}

/**
 * Row positions in `bytes` holding the magic number then a RoaringTreemap,
 * as inline descriptors and the inside of a DV file carry them.
 */
export function decodeDeletionVectorBitmap(bytes: Uint8Array): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  if (magic !== PORTABLE_TREEMAP_MAGIC) {
    throw new RangeError(`unsupported deletion vector format (magic ${magic})`);
  }
  return decodeRoaringTreemap(bytes.subarray(4));
}

/**
 * The bitmap stored at `offset` in a deletion vector file: a big-endian u32
 * size, `size` bytes of bitmap, then a big-endian CRC-32 of those bytes.
 */
export function sliceDeletionVectorFile(
  file: Uint8Array,
  offset: number,
  sizeInBytes: number,
): Uint8Array {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (offset + 8 + sizeInBytes > file.byteLength) {
    throw new RangeError(
      `deletion vector at offset ${offset} runs past the end of its file`,
    );
  }
  const size = view.getUint32(offset, false);
  if (size !== sizeInBytes) {
    throw new RangeError(
      `deletion vector size is ${size}, the log says ${sizeInBytes}`,
    );
  }
  const bitmap = file.subarray(offset + 4, offset + 4 + size);
  const expected = view.getUint32(offset + 4 + size, false);
  if (crc32(bitmap) >>> 0 !== expected) {
    throw new RangeError(
      `deletion vector at offset ${offset} fails its checksum`,
    );
  }
  return bitmap;
}

/**
 * A function reading descriptors of table `name` into sorted row positions;
 * it reads each DV file once however many descriptors point into it.
 */
export function deletionVectorReader(
  store: ObjectStore,
  root: string,
  name: string,
): (dv: DeletionVectorDescriptor, dataFile: string) => Promise<Float64Array> {
  const files = new Map<string, Promise<Uint8Array>>();
  const readFile = (key: string) => {
    let bytes = files.get(key);
    if (bytes === undefined) {
      bytes = store.read(key);
      files.set(key, bytes);
    }
    return bytes;
  };

  return async (dv, dataFile) => {
    const what = `deletion vector of ${dataFile}`;
    let rows: Float64Array;
    try {
      if (dv.storageType === "i") {
        rows = decodeDeletionVectorBitmap(
          z85Decode(dv.pathOrInlineDv).subarray(0, dv.sizeInBytes),
        );
      } else {
        const key = dv.storageType === "u"
          ? joinPath(root, relativeDeletionVectorPath(dv.pathOrInlineDv))
          : dv.storageType === "p"
          ? resolveLogPath(root, dv.pathOrInlineDv)
          : null;
        if (key === null) {
          throw deltaError(
            name,
            `${what}: unsupported storage "${dv.storageType}"`,
          );
        }
        const file = await readFile(key).catch(() => {
          throw deltaError(name, `${what}: its file cannot be read`);
        });
        rows = decodeDeletionVectorBitmap(
          sliceDeletionVectorFile(file, dv.offset ?? 1, dv.sizeInBytes),
        );
      }
    } catch (err) {
      if (err instanceof RangeError) {
        throw deltaError(name, `${what}: ${err.message}`);
      }
      throw err;
    }
    if (rows.length !== dv.cardinality) {
      throw deltaError(
        name,
        `${what}: holds ${rows.length} rows, the log says ${dv.cardinality}`,
      );
    }
    return rows;
  };
}
