/**
 * The CSV writer against the rule it implements, written the slow way: each
 * value's JSON text (columnJson), string quotes removed by parsing it back,
 * then quoted for CSV where needed. Every type, nulls in each, and the
 * values whose text is easy to get wrong.
 */
import assert from "node:assert/strict";
import { columnJson } from "../../encode/columns.ts";
import { encodeCsvBatch } from "../../encode/csv.ts";
import type {
  ColumnValues,
  ColumnVector,
  DataType,
  ResultBatch,
} from "../../data/types.ts";

function referenceCsv(batch: ResultBatch): string {
  const field = (s: string) =>
    /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
  const value = (json: string) =>
    json === "null"
      ? ""
      : field(json.startsWith('"') ? JSON.parse(json) : json);
  const cols = batch.columns.map((c) => columnJson(c, batch.length));
  let out = "";
  for (let i = 0; i < batch.length; i++) {
    out += cols.map((c) => value(c[i]!)).join(",") + "\r\n";
  }
  return out;
}

/** A column whose last row is null (its value slot holds `filler`). */
function col(
  name: string,
  type: DataType,
  values: unknown[],
  make: (v: unknown[]) => ColumnValues = (v) => v as ColumnValues,
): ColumnVector {
  const valid = new Uint8Array(values.length).fill(1);
  valid[values.length - 1] = 0;
  return { field: { name, type, nullable: true }, values: make(values), valid };
}

const N = 12;
/** `vals` cycled to N rows. */
const rows = <T>(vals: T[]): T[] =>
  Array.from({ length: N }, (_, i) => vals[i % vals.length]!);

Deno.test("CSV: every type, byte for byte the JSON texts unquoted", () => {
  const batch: ResultBatch = {
    length: N,
    columns: [
      col(
        "s",
        { kind: "string" },
        rows([
          "plain",
          "a,b",
          'q"t',
          "line\nbreak",
          "cr\rx",
          " lead",
          "trail ",
          "\u00a0nbsp",
          "日本 😀",
          "\ud800 lone",
          "",
          "x",
        ]),
      ),
      col(
        "i32",
        { kind: "int", bits: 32, signed: true },
        rows([0, -1, 2147483647, -2147483648, 42]),
        (v) => Int32Array.from(v as number[]),
      ),
      col(
        "i64",
        { kind: "int", bits: 64, signed: true },
        rows([
          9007199254740991n,
          9007199254740992n,
          -9223372036854775808n,
          -3n,
        ]),
        (v) => BigInt64Array.from(v as bigint[]),
      ),
      col(
        "u64",
        { kind: "int", bits: 64, signed: false },
        rows([18446744073709551615n, 5n, 9007199254740993n]),
        (v) => BigUint64Array.from(v as bigint[]),
      ),
      col(
        "f64",
        { kind: "float", bits: 64 },
        rows([
          0,
          -0,
          1.5,
          0.1,
          1e21,
          1e-7,
          NaN,
          Infinity,
          -Infinity,
          123456.789012,
          2 ** 53 + 2,
          -2.5,
        ]),
        (v) => Float64Array.from(v as number[]),
      ),
      col(
        "f32",
        { kind: "float", bits: 32 },
        rows([Math.fround(0.1), NaN, -Infinity, 16777217, 0]),
        (v) => Float64Array.from(v as number[]),
      ),
      col(
        "dec",
        { kind: "decimal", precision: 10, scale: 2 },
        rows([150n, -5n, 0n]),
      ),
      col(
        "bin",
        { kind: "binary" },
        rows([Uint8Array.from([0, 255, 1]), new Uint8Array(0)]),
      ),
      col(
        "day",
        { kind: "date" },
        rows([0, -1, 2932897, -719529, 18628]),
        (v) => Int32Array.from(v as number[]),
      ),
      col(
        "ts",
        { kind: "timestamp", unit: "us", utc: true },
        rows([
          0n,
          -1n,
          1622505600123456n,
          9000000000000000000n,
          1622505600000000n,
        ]),
        (v) => BigInt64Array.from(v as bigint[]),
      ),
      col(
        "ts_ns",
        { kind: "timestamp", unit: "ns", utc: false },
        rows([1n, 1622505600000001000n]),
        (v) => BigInt64Array.from(v as bigint[]),
      ),
      col(
        "t",
        { kind: "time", unit: "us" },
        rows([0n, 86399999999n]),
        (v) => BigInt64Array.from(v as bigint[]),
      ),
      col(
        "list",
        { kind: "list", item: { kind: "string" } },
        rows([["a", 'b"c'], [], [null]]),
      ),
      col(
        "st",
        {
          kind: "struct",
          fields: [
            {
              name: "a",
              type: { kind: "int", bits: 32, signed: true },
              nullable: true,
            },
            { name: "b", type: { kind: "string" }, nullable: true },
          ],
        },
        rows([{ a: 1, b: "x,y" }, { a: null, b: " " }]),
      ),
    ],
  };
  const got = new TextDecoder().decode(encodeCsvBatch(batch));
  // Through UTF-8 as the old writer sent it: a lone surrogate becomes U+FFFD.
  const want = new TextDecoder().decode(
    new TextEncoder().encode(referenceCsv(batch)),
  );
  assert.equal(got, want);
  // The rules, spelled out for a few of them.
  const first = got.split("\r\n")[0]!;
  assert.equal(
    first,
    'plain,0,9007199254740991,18446744073709551615,0,0.1,1.50,AP8B,1970-01-01,1970-01-01T00:00:00Z,1970-01-01T00:00:00.000000001,00:00:00,"[""a"",""b\\""c""]","{""a"":1,""b"":""x,y""}"',
  );
  assert.ok(got.endsWith(",,,,,,,,,,,,,\r\n"), "the null row is empty fields");
});

Deno.test("CSV: no rows, no bytes; no columns, an empty line per row", () => {
  assert.equal(encodeCsvBatch({ length: 0, columns: [] }).length, 0);
  assert.equal(
    new TextDecoder().decode(encodeCsvBatch({ length: 2, columns: [] })),
    "\r\n\r\n",
  );
});
