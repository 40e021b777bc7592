import assert from "node:assert/strict";
import { ByteWriter } from "../../encode/bytes.ts";
import { dateText, timestampTextSafe } from "../../data/text.ts";
import {
  float64Json,
  writeDate,
  writeFloat64,
  writeInteger,
  writeTimestampText,
} from "../../encode/values.ts";

const utf8 = new TextEncoder();

Deno.test("jsonString writes exactly the bytes of JSON.stringify", () => {
  const samples = [
    "",
    "plain ascii",
    'quote " and \\ backslash',
    "controls \u0000\u0001\b\f\n\r\t\u001f\u007f",
    "Zürich ß é",
    "日本語 \u0800 \uffff \ue000",
    "😀 astral pair",
    "lone high \ud800 end",
    "lone low \udc00 start",
    "\udbff",
    "x".repeat(70_000),
  ];
  let seed = 1;
  for (let k = 0; k < 500; k++) {
    let s = "";
    for (let i = 0; i < 12; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      s += String.fromCharCode(seed % 0x10000);
    }
    samples.push(s);
  }
  for (const s of samples) {
    const w = new ByteWriter();
    w.ascii("[");
    w.jsonString(s);
    w.ascii("]");
    assert.deepEqual(w.result(), utf8.encode(`[${JSON.stringify(s)}]`));
  }
});

Deno.test("the writer grows past its scratch buffer and results stay independent", () => {
  const a = new ByteWriter();
  a.text("é".repeat(100_000));
  const first = a.result();
  const b = new ByteWriter();
  b.ascii("short");
  const second = b.result();
  assert.equal(new TextDecoder().decode(first), "é".repeat(100_000));
  assert.equal(new TextDecoder().decode(second), "short");
});

Deno.test("timestamps written digit by digit equal timestampTextSafe", () => {
  const units = ["s", "ms", "us", "ns"] as const;
  const samples = [0, -1, 1, 999, 1000, 86_399_999, -86_400_000_001];
  let seed = 3;
  for (let k = 0; k < 2000; k++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    // Whole seconds, whole milliseconds and arbitrary values, both signs.
    const x = (seed - 2 ** 30) * 7_919_000 + (k % 3 === 0 ? seed % 1000 : 0);
    samples.push(k % 2 ? x : Math.trunc(x / 1000) * 1000);
  }
  for (const unit of units) {
    for (const n of samples) {
      for (const utc of [true, false]) {
        const w = new ByteWriter();
        writeTimestampText(w, n, unit, utc);
        assert.equal(
          new TextDecoder().decode(w.result()),
          timestampTextSafe(n, unit, utc),
          `${n} ${unit}`,
        );
      }
    }
  }
});

/** What `write` puts into a fresh writer, as text. */
function written(write: (w: ByteWriter) => void): string {
  const w = new ByteWriter();
  write(w);
  return new TextDecoder().decode(w.result());
}

Deno.test("doubles written digit by digit equal float64Json", () => {
  const samples = [
    0,
    -0,
    1,
    -1,
    0.1,
    -0.5,
    47.5,
    1e-6,
    1.5e-6,
    1e-7,
    123456.789,
    0.1 + 0.2,
    2 ** 50 / 1e6,
    2 ** 53 - 1,
    2 ** 53,
    -(2 ** 53),
    1e21,
    1e300,
    Number.MIN_VALUE,
    Number.MAX_VALUE,
    NaN,
    Infinity,
    -Infinity,
  ];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let k = 0; k < 20_000; k++) {
    const scale = 10 ** (next() % 9);
    const m = (next() - 2 ** 30) * (k % 4 === 0 ? 2 ** 21 : 1);
    // Decimals with 0..8 fraction digits at many magnitudes, and arbitrary doubles.
    samples.push(m / scale, next() / 2 ** 31 * 10 ** (next() % 30 - 10));
  }
  for (const v of samples) {
    assert.equal(written((w) => writeFloat64(w, v)), float64Json(v), `${v}`);
  }
});

Deno.test("integers and dates written digit by digit equal String and dateText", () => {
  const ints = [0, 9, 10, 99, 100, -1, -128, 127, 2 ** 31 - 1, -(2 ** 31)];
  ints.push(2 ** 31, 2 ** 32 + 7, 2 ** 53 - 1, -(2 ** 53 - 1), 10 ** 15);
  for (const n of ints) {
    assert.equal(written((w) => writeInteger(w, n)), String(n));
  }
  // Every day from before year 0 to after 9999, and around each boundary.
  for (let d = -800_000; d <= 3_000_000; d += 37) {
    assert.equal(written((w) => writeDate(w, d)), dateText(d), `${d}`);
  }
  for (const edge of [-719_468, 2_932_897, 0]) {
    for (let d = edge - 400; d <= edge + 400; d++) {
      assert.equal(written((w) => writeDate(w, d)), dateText(d), `${d}`);
    }
  }
});
