import assert from "node:assert/strict";
import type { DataType, Field } from "../../data/types.ts";
import { unifySchemas, widen } from "../../sources/unify.ts";
import { typeName } from "../../data/type_name.ts";

const int = (bits: 8 | 16 | 32 | 64, signed = true): DataType => ({
  kind: "int",
  bits,
  signed,
});
const f = (name: string, type: DataType, nullable = false): Field => ({
  name,
  type,
  nullable,
});

Deno.test("widening", () => {
  const w = (a: DataType, b: DataType) => {
    const t = widen(a, b);
    return t && typeName(t);
  };
  assert.equal(w(int(32), int(64)), "int64");
  assert.equal(w(int(16), int(8)), "int16");
  assert.equal(w(int(32, false), int(64)), "int64");
  assert.equal(w(int(64, false), int(64)), null);
  assert.equal(
    w({ kind: "float", bits: 32 }, { kind: "float", bits: 64 }),
    "float64",
  );
  assert.equal(w(int(32), { kind: "float", bits: 64 }), null);
  assert.equal(w({ kind: "string" }, { kind: "binary" }), null);
  assert.equal(
    w({ kind: "decimal", precision: 9, scale: 2 }, {
      kind: "decimal",
      precision: 9,
      scale: 2,
    }),
    "decimal(9,2)",
  );
});

Deno.test("unify: order, nullability, missing columns, conflicts", () => {
  const u = unifySchemas([
    { fields: [f("a", int(32)), f("b", { kind: "string" })] },
    { fields: [f("c", { kind: "date" }), f("a", int(64))] },
  ]);
  assert.ok(!("column" in u));
  assert.deepEqual(
    u.fields.map((x) => [x.name, typeName(x.type), x.nullable]),
    [
      ["a", "int64", false],
      ["b", "string", true],
      ["c", "date", true],
    ],
  );
  assert.deepEqual(u.missing, [["c"], ["b"]]);
  assert.deepEqual(
    unifySchemas([
      { fields: [f("a", int(32))] },
      { fields: [f("a", int(32))] },
      { fields: [f("a", { kind: "string" })] },
    ]),
    {
      column: "a",
      first: 0,
      second: 2,
      firstType: "int32",
      secondType: "string",
    },
  );
});
