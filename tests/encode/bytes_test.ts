import assert from "node:assert/strict";
import { ByteWriter } from "../../encode/bytes.ts";
import { timestampTextSafe } from "../../data/text.ts";
import { writeTimestampSafe } from "../../encode/values.ts";

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
        writeTimestampSafe(w, n, unit, utc);
        assert.equal(
          new TextDecoder().decode(w.result()),
          `"${timestampTextSafe(n, unit, utc)}"`,
          `${n} ${unit}`,
        );
      }
    }
  }
});
