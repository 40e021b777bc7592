import assert from "node:assert/strict";
import { tableFromIPC } from "apache-arrow";
import { encodeArrowIPC } from "../../encode/arrow.ts";
import { columnJson } from "../../encode/columns.ts";
import { encodeCsvBatch, encodeCsvHeader } from "../../encode/csv.ts";
import {
  dateText,
  decimalText,
  float32Text,
  timestampText,
  timeText,
} from "../../data/text.ts";
import { float64Json, int64Json } from "../../encode/values.ts";
import type { ColumnVector, DataType, ResultBatch } from "../../data/types.ts";

Deno.test("scalar rules of API.md", () => {
  assert.equal(int64Json(9007199254740991n), "9007199254740991");
  assert.equal(int64Json(9007199254740992n), '"9007199254740992"');
  assert.equal(int64Json(-9223372036854775808n), '"-9223372036854775808"');
  assert.equal(float64Json(NaN), '"NaN"');
  assert.equal(float64Json(-Infinity), '"-Infinity"');
  assert.equal(float64Json(-0), "0");
  assert.equal(float32Text(Math.fround(0.1)), "0.1");
  assert.equal(float32Text(Math.fround(16777217)), "16777216");
  assert.equal(dateText(0), "1970-01-01");
  assert.equal(dateText(-1), "1969-12-31");
  assert.equal(dateText(2932897), "+010000-01-01");
  assert.equal(dateText(-719529), "-000001-12-31");
  assert.equal(timestampText(0n, "s", true), "1970-01-01T00:00:00Z");
  assert.equal(
    timestampText(-1n, "ns", false),
    "1969-12-31T23:59:59.999999999",
  );
  assert.equal(timestampText(1500n, "ms", true), "1970-01-01T00:00:01.500Z");
  assert.equal(
    timestampText(2n ** 62n, "ns", true),
    "2116-02-20T23:53:38.427387904Z",
  );
  assert.equal(timeText(3723000001n, "us"), "01:02:03.000001");
  assert.equal(decimalText(-150n, 2), "-1.50");
  assert.equal(decimalText(5n, 3), "0.005");
});

function col(
  name: string,
  type: DataType,
  values: ColumnVector["values"],
  valid: number[] | null = null,
): ColumnVector {
  return {
    field: { name, type, nullable: true },
    values,
    valid: valid ? Uint8Array.from(valid) : null,
  };
}

Deno.test("column fast paths agree with the scalar rules", () => {
  const big = BigInt64Array.from([
    0n,
    -1n,
    2n ** 53n,
    -(2n ** 63n),
    1700000000123456n,
  ]);
  const ints = columnJson(
    col("i", { kind: "int", bits: 64, signed: true }, big),
    5,
  );
  assert.deepEqual(ints, [...big].map(int64Json));
  const ts = columnJson(
    col("t", { kind: "timestamp", unit: "us", utc: true }, big, [
      1,
      1,
      1,
      0,
      1,
    ]),
    5,
  );
  assert.deepEqual(ts, [
    '"1970-01-01T00:00:00Z"',
    '"1969-12-31T23:59:59.999999Z"',
    `"${timestampText(2n ** 53n, "us", true)}"`,
    "null",
    '"2023-11-14T22:13:20.123456Z"',
  ]);
});

Deno.test("Arrow round trip and CSV quoting", () => {
  const batch: ResultBatch = {
    length: 3,
    columns: [
      col("s", { kind: "string" }, ["a,b", 'q"t', "ü😀"], [1, 1, 0]),
      col(
        "n",
        { kind: "int", bits: 32, signed: true },
        Int32Array.from([1, -2, 3]),
      ),
      col("d", { kind: "decimal", precision: 10, scale: 2 }, [150n, -5n, 0n]),
      col("f", { kind: "bool" }, Uint8Array.from([1, 0, 1])),
    ],
  };
  const table = tableFromIPC(
    encodeArrowIPC(batch, batch.columns.map((c) => c.field)),
  );
  assert.equal(table.numRows, 3);
  assert.deepEqual(table.getChild("s")!.toArray(), ["a,b", 'q"t', null]);
  assert.deepEqual([...table.getChild("n")!.toArray()], [1, -2, 3]);
  assert.deepEqual(table.getChild("f")!.toArray(), [true, false, true]);
  const csv = new TextDecoder().decode(
    encodeCsvHeader(batch.columns.map((c) => c.field)),
  ) +
    new TextDecoder().decode(encodeCsvBatch(batch));
  assert.equal(
    csv,
    's,n,d,f\r\n"a,b",1,1.50,true\r\n"q""t",-2,-0.05,false\r\n,3,0.00,true\r\n',
  );
});

Deno.test("Arrow bytes depend on values only: one NaN, unsigned zeros, nothing under nulls", () => {
  const f64 = new Float64Array(5);
  const w64 = new Uint32Array(f64.buffer);
  w64.set([0, 0xfff80000], 0); // NaN with the sign bit, as x86 makes Inf + -Inf
  w64.set([1, 0x7ff00000], 2); // signalling NaN with a payload
  f64[2] = -0;
  f64[3] = 7;
  f64[4] = 1.5;
  const f32 = new Float32Array(3);
  new Uint32Array(f32.buffer).set([0xffc00000, 0x7f800001, 0]);
  f32[2] = -0;
  const batch: ResultBatch = {
    length: 5,
    columns: [
      col("d", { kind: "float", bits: 64 }, f64, [1, 1, 1, 0, 1]),
      col("s", { kind: "float", bits: 32 }, Float32Array.from([...f32, 0, 0])),
      col("b", { kind: "bool" }, Uint8Array.from([1, 1, 0, 1, 1]), [
        1,
        0,
        1,
        0,
        1,
      ]),
    ],
  };
  const fields = batch.columns.map((c) => c.field);
  const table = tableFromIPC(encodeArrowIPC(batch, fields));
  const words = (name: string) => {
    const v = table.getChild(name)!.data[0]!.values as Float32Array;
    return [...new Uint32Array(v.buffer, v.byteOffset, v.byteLength / 4)];
  };
  assert.deepEqual(words("d"), [
    0,
    0x7ff80000,
    0,
    0x7ff80000,
    0,
    0,
    0,
    0,
    0,
    0x3ff80000,
  ]);
  assert.deepEqual(words("s").slice(0, 3), [0x7fc00000, 0x7fc00000, 0]);
  assert.equal(table.getChild("b")!.data[0]!.values[0], 0b10001);
  // The input is left as the engine gave it.
  assert.equal(w64[1], 0xfff80000);
});
