/**
 * z85, roaring and deletion vector decoders against vectors stated by
 * delta-kernel-rs (kernel/src/actions/deletion_vector.rs tests) and against
 * bytes laid out by hand from the RoaringFormatSpec.
 */
import assert from "node:assert/strict";
import {
  decodeRoaringBitmap,
  decodeRoaringTreemap,
} from "../../../sources/delta/roaring.ts";
import { uuidText, z85Decode } from "../../../sources/delta/z85.ts";
import {
  decodeDeletionVectorBitmap,
  relativeDeletionVectorPath,
  sliceDeletionVectorFile,
} from "../../../sources/delta/deletion_vector.ts";
import { FIXTURES } from "./_store.ts";

Deno.test("z85 decodes the ZeroMQ spec example", () => {
  // RFC 32/Z85: "HelloWorld" encodes 0x86 0x4F 0xD2 0x6F 0xB5 0x59 0xF7 0x5B.
  assert.deepEqual(
    Array.from(z85Decode("HelloWorld")),
    [0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b],
  );
  assert.throws(() => z85Decode("abcd"), RangeError);
  assert.throws(() => z85Decode("abc~d"), RangeError);
});

Deno.test("relative deletion vector paths decode as delta-kernel-rs states", () => {
  assert.equal(
    relativeDeletionVectorPath("ab^-aqEH.-t@S}K{vb[*k^"),
    "ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin",
  );
  assert.equal(
    relativeDeletionVectorPath("vBn[lx{q8@P<9BNH/isA"),
    "deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin",
  );
  assert.throws(() => relativeDeletionVectorPath("short"), RangeError);
  assert.equal(
    uuidText(new Uint8Array(16)),
    "00000000-0000-0000-0000-000000000000",
  );
});

Deno.test("inline deletion vector gives the rows delta-kernel-rs states", () => {
  const bytes = z85Decode(
    "^Bg9^0rr910000000000iXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L",
  );
  assert.deepEqual(
    Array.from(decodeDeletionVectorBitmap(bytes.subarray(0, 44))),
    [
      3,
      4,
      7,
      11,
      18,
      29,
    ],
  );
});

Deno.test("deletion vector file of table-with-dv-small holds rows 0 and 9", async () => {
  const file = await Deno.readFile(
    `${FIXTURES}table-with-dv-small/deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin`,
  );
  const rows = decodeDeletionVectorBitmap(sliceDeletionVectorFile(file, 1, 36));
  assert.deepEqual(Array.from(rows), [0, 9]);
  const corrupt = file.slice();
  corrupt[20] = corrupt[20]! ^ 0xff;
  assert.throws(() => sliceDeletionVectorFile(corrupt, 1, 36), /checksum/);
  assert.throws(() => sliceDeletionVectorFile(file, 1, 35), /size/);
});

/** Little-endian writer for hand-built bitmaps. */
function bytes(parts: [number, number][]): Uint8Array {
  const size = parts.reduce((n, [, width]) => n + width, 0);
  const out = new DataView(new ArrayBuffer(size));
  let at = 0;
  for (const [value, width] of parts) {
    if (width === 2) out.setUint16(at, value, true);
    else if (width === 4) out.setUint32(at, value, true);
    else out.setBigUint64(at, BigInt(value), true);
    at += width;
  }
  return new Uint8Array(out.buffer);
}

Deno.test("roaring run, array and bitmap containers decode per the format spec", () => {
  // Cookie 12347 | (3 containers - 1) << 16; run flags 0b001 (first is a run).
  const header: [number, number][] = [
    [12347 | (2 << 16), 4],
  ];
  const flags = new Uint8Array([0b001]);
  const descriptive: [number, number][] = [
    [0, 2],
    [4, 2], // key 0: run 5..9 (5 values)
    [1, 2],
    [1, 2], // key 1: array {7, 65535}
    [2, 2],
    [4096, 2], // key 2: bitmap, 4097 values 0..4096
  ];
  const run: [number, number][] = [[1, 2], [5, 2], [4, 2]];
  const array: [number, number][] = [[7, 2], [65535, 2]];
  const bitmap = new Uint8Array(8192);
  for (let v = 0; v <= 4096; v++) bitmap[v >> 3]! |= 1 << (v & 7);
  const body = concat(
    bytes(header),
    flags,
    bytes(descriptive),
    bytes(run),
    bytes(array),
    bitmap,
  );
  const { values, end } = decodeRoaringBitmap(new DataView(body.buffer), 0);
  assert.equal(end, body.length);
  const expected = [5, 6, 7, 8, 9, 65536 + 7, 65536 + 65535];
  for (let v = 0; v <= 4096; v++) expected.push(2 * 65536 + v);
  assert.deepEqual(Array.from(values), expected);
});

Deno.test("roaring treemap places each bucket at its high 32 bits", () => {
  const bitmap = (v: number) =>
    bytes([[12346, 4], [1, 4], [0, 2], [0, 2], [0, 4], [v, 2]]);
  const treemap = concat(
    bytes([[2, 8], [0, 4]]),
    bitmap(3),
    bytes([[1, 4]]),
    bitmap(9),
  );
  assert.deepEqual(Array.from(decodeRoaringTreemap(treemap)), [3, 2 ** 32 + 9]);
});

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
