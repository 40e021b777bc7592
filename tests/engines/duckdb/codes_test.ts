/**
 * HashCodes: DuckDB's hash of a dictionary value back to its code, NULL's
 * hash to a null row; a dictionary with a shared hash is refused (the
 * decoder then reads the column as text), an unknown hash is an error.
 */
import assert from "node:assert/strict";
import { HashCodes } from "../../../engines/duckdb/codes.ts";

const NULL_HASH = 0xbf58476d1ce4e5b9n;

/** Hashes as DuckDB's UBIGINT vectors hold them: two little-endian words each. */
function words(hashes: bigint[]): Uint32Array {
  return new Uint32Array(new BigUint64Array(hashes).buffer);
}

Deno.test("codes: hashes become codes, NULL's hash a null row", () => {
  // Equal low words: the table probes past them.
  const dict = [5n, (7n << 32n) | 5n, 0xffffffff_00000001n];
  const codes = HashCodes.build(dict, NULL_HASH)!;
  const out = new Int32Array(6).fill(9);
  const rows = [dict[2]!, dict[0]!, NULL_HASH, dict[1]!, dict[1]!];
  assert.equal(codes.decode(words(rows), 5, out, 1), true);
  assert.deepEqual(Array.from(out), [9, 2, 0, -1, 1, 1]);
  assert.equal(codes.decode(words([dict[0]!]), 1, out, 0), false);
});

Deno.test("codes: a shared hash refuses the dictionary, an unknown one throws", () => {
  assert.equal(HashCodes.build([1n, 2n, 1n], NULL_HASH), null);
  assert.equal(HashCodes.build([1n, NULL_HASH], NULL_HASH), null);
  const codes = HashCodes.build([1n, 2n], NULL_HASH)!;
  assert.throws(
    () => codes.decode(words([3n]), 1, new Int32Array(1), 0),
    /the source changed/,
  );
});
