/**
 * Decoders for the portable Roaring bitmap serialization
 * (https://github.com/RoaringBitmap/RoaringFormatSpec) and the 64-bit
 * "RoaringTreemap" framing Delta deletion vectors use around it.
 */

const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;
const MAX_ARRAY_CARDINALITY = 4096;
const BITMAP_CONTAINER_BYTES = 8192;

/** Magic number that starts a Delta deletion vector's bitmap (portable format). */
export const PORTABLE_TREEMAP_MAGIC = 1681511377;

/**
 * Sorted row positions stored in a RoaringTreemap: a little-endian u64 count
 * of buckets, then per bucket the u32 high half and a 32-bit RoaringBitmap.
 */
export function decodeRoaringTreemap(bytes: Uint8Array): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const buckets = Number(view.getBigUint64(0, true));
  let offset = 8;
  const parts: Float64Array[] = [];
  let total = 0;
  for (let b = 0; b < buckets; b++) {
    const high = view.getUint32(offset, true);
    offset += 4;
    const decoded = decodeRoaringBitmap(view, offset, high * 0x1_0000_0000);
    offset = decoded.end;
    parts.push(decoded.values);
    total += decoded.values.length;
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Float64Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Decodes one 32-bit RoaringBitmap starting at `start`, adding `base` to
 * every value; returns the values (sorted) and the offset just past it.
 */
export function decodeRoaringBitmap(
  view: DataView,
  start: number,
  base = 0,
): { values: Float64Array; end: number } {
  let offset = start;
  const cookie = view.getUint32(offset, true);
  offset += 4;
  let size: number;
  let runFlags: Uint8Array | null = null;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    size = (cookie >>> 16) + 1;
    const flagBytes = (size + 7) >>> 3;
    runFlags = new Uint8Array(view.buffer, view.byteOffset + offset, flagBytes);
    offset += flagBytes;
  } else if (cookie === SERIAL_COOKIE_NO_RUNCONTAINER) {
    size = view.getUint32(offset, true);
    offset += 4;
  } else {
    throw new RangeError(`not a portable roaring bitmap (cookie ${cookie})`);
  }
  const keys = new Uint32Array(size);
  const cardinalities = new Uint32Array(size);
  let total = 0;
  for (let i = 0; i < size; i++) {
    keys[i] = view.getUint16(offset, true);
    cardinalities[i] = view.getUint16(offset + 2, true) + 1;
    total += cardinalities[i]!;
    offset += 4;
  }
  // The offset header only helps random access; containers are read in order.
  if (runFlags === null || size >= NO_OFFSET_THRESHOLD) offset += 4 * size;

  const values = new Float64Array(total);
  let at = 0;
  for (let i = 0; i < size; i++) {
    const high = base + keys[i]! * 0x10000;
    const isRun = runFlags !== null &&
      (runFlags[i >>> 3]! & (1 << (i & 7))) !== 0;
    if (isRun) {
      const runs = view.getUint16(offset, true);
      offset += 2;
      for (let r = 0; r < runs; r++) {
        const first = view.getUint16(offset, true);
        const length = view.getUint16(offset + 2, true);
        offset += 4;
        for (let v = first; v <= first + length; v++) values[at++] = high + v;
      }
    } else if (cardinalities[i]! <= MAX_ARRAY_CARDINALITY) {
      for (let k = 0; k < cardinalities[i]!; k++) {
        values[at++] = high + view.getUint16(offset, true);
        offset += 2;
      }
    } else {
      for (let w = 0; w < 2048; w++) {
        let word = view.getUint32(offset + 4 * w, true);
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          values[at++] = high + w * 32 + bit;
          word &= word - 1;
        }
      }
      offset += BITMAP_CONTAINER_BYTES;
    }
  }
  if (at !== total) {
    throw new RangeError(
      `roaring bitmap holds ${at} values, header says ${total}`,
    );
  }
  return { values, end: offset };
}
