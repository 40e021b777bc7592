import assert from "node:assert/strict";
import { parseCountBody, parseQueryBody } from "../../query/parse.ts";
import { planCount, planQuery } from "../../query/plan.ts";
import { ApiError } from "../../data/errors.ts";
import type { QueryPlan } from "../../query/types.ts";
import type { Schema } from "../../data/types.ts";

const schema: Schema = {
  fields: [
    {
      name: "id",
      type: { kind: "int", bits: 64, signed: true },
      nullable: false,
    },
    {
      name: "small",
      type: { kind: "int", bits: 8, signed: true },
      nullable: true,
    },
    { name: "state", type: { kind: "string" }, nullable: true },
    { name: "temp", type: { kind: "float", bits: 64 }, nullable: true },
    {
      name: "price",
      type: { kind: "decimal", precision: 10, scale: 2 },
      nullable: true,
    },
    { name: "day", type: { kind: "date" }, nullable: true },
    {
      name: "at",
      type: { kind: "timestamp", unit: "us", utc: true },
      nullable: true,
    },
    { name: "blob", type: { kind: "binary" }, nullable: true },
    {
      name: "tags",
      type: { kind: "list", item: { kind: "string" } },
      nullable: true,
    },
  ],
};

function plan(body: unknown, maxPageSize = 100_000): QueryPlan {
  return planQuery(parseQueryBody(body), schema, { maxPageSize });
}

function rejects(body: unknown, path: string, status = 400): ApiError {
  try {
    plan(body);
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.status, status);
    assert.equal(e.path, path, e.message);
    return e;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

Deno.test("defaults: all columns, source order, page 1 of 1000 plus one probe row", () => {
  const p = plan({});
  assert.equal(p.kind, "rows");
  assert.deepEqual(p.columns, schema.fields.map((f) => f.name));
  assert.deepEqual(p.orderBy, []);
  assert.deepEqual([p.offset, p.take, p.page, p.pageSize], [0, 1001, 1, 1000]);
});

Deno.test("page window: clamp, offset, limit caps take", () => {
  const p = plan({ page: 3, page_size: 500 }, 200);
  assert.deepEqual([p.offset, p.take, p.pageSize], [400, 201, 200]);
  const l = plan({ page: 2, page_size: 10, limit: 15 });
  assert.deepEqual([l.offset, l.take], [10, 5]);
  const past = plan({ page: 5, page_size: 10, limit: 15 });
  assert.equal(past.take, 0);
});

Deno.test("values are typed by column", () => {
  const p = plan({
    predicates: [
      { col: "id", op: "eq", val: "9007199254740993" },
      { col: "price", op: "gte", val: "12.5" },
      { col: "day", op: "lt", val: "1969-12-31" },
      { col: "at", op: "eq", val: "2024-01-01T01:00:00+01:00" },
      { col: "temp", op: "in", val: [1.5, "NaN"] },
      { col: "blob", op: "eq", val: "AAE=" },
    ],
  });
  const vals = p.filters.map((f) =>
    "value" in f ? f.value : "values" in f ? f.values : null
  );
  assert.deepEqual(vals, [
    9007199254740993n,
    { unscaled: 125n, scale: 1 },
    -1,
    1704067200000000n,
    [1.5, NaN],
    new Uint8Array([0, 1]),
  ]);
});

Deno.test("grouping: default aliases, output types, total order", () => {
  const p = plan({
    group_by: ["state"],
    aggregations: [{ op: "count" }, { op: "sum", col: "id" }, {
      op: "avg",
      col: "small",
      alias: "a",
    }],
    order_by: [{ col: "count", dir: "desc" }],
  });
  assert.equal(p.kind, "group");
  assert.deepEqual(p.output.map((f) => f.name), [
    "state",
    "count",
    "sum_id",
    "a",
  ]);
  assert.deepEqual(p.orderBy, [{ col: "count", dir: "desc" }, {
    col: "state",
    dir: "asc",
  }]);
  assert.deepEqual(p.aggregations[2]!.type, { kind: "float", bits: 64 });
});

Deno.test("distinct orders by every projected column", () => {
  const p = plan({
    columns: ["state", "small"],
    distinct: true,
    order_by: [{ col: "small" }],
  });
  assert.deepEqual(p.orderBy, [{ col: "small", dir: "asc" }, {
    col: "state",
    dir: "asc",
  }]);
});

Deno.test("errors name the path", () => {
  rejects({ colums: [] }, "colums");
  rejects({ columns: ["nope"] }, "columns[0]");
  rejects({ columns: ["id", "id"] }, "columns");
  rejects(
    { predicates: [{ col: "id", op: "eq", val: null }] },
    "predicates[0].val",
  );
  rejects(
    { predicates: [{ col: "id", op: "is_null", val: 1 }] },
    "predicates[0].val",
  );
  rejects(
    { predicates: [{ col: "small", op: "eq", val: 300 }] },
    "predicates[0].val",
  );
  rejects(
    { predicates: [{ col: "id", op: "eq", val: 2 ** 60 }] },
    "predicates[0].val",
  );
  rejects(
    { predicates: [{ col: "id", op: "like", val: "1%" }] },
    "predicates[0].op",
  );
  rejects(
    { predicates: [{ col: "blob", op: "gt", val: "AA==" }] },
    "predicates[0].op",
  );
  rejects(
    { predicates: [{ col: "tags", op: "eq", val: "a" }] },
    "predicates[0].op",
  );
  rejects(
    { predicates: [{ col: "state", op: "in", val: [] }] },
    "predicates[0].val",
  );
  rejects(
    { predicates: [{ col: "day", op: "eq", val: "2023-02-29" }] },
    "predicates[0].val",
  );
  rejects({
    predicates: [{ col: "at", op: "eq", val: "2024-01-01T00:00:00.0000001Z" }],
  }, "predicates[0].val");
  rejects({ aggregations: [{ op: "count" }] }, "aggregations");
  rejects(
    { group_by: ["state"], aggregations: [{ op: "sum", col: "state" }] },
    "aggregations[0].op",
  );
  rejects({
    group_by: ["state"],
    aggregations: [{ op: "count", alias: "state" }],
  }, "aggregations");
  rejects(
    { group_by: ["state"], order_by: [{ col: "id" }] },
    "order_by[0].col",
  );
  rejects({ group_by: ["state"], distinct: true }, "distinct");
  rejects({ page: 0 }, "page");
  rejects({ page_size: 1.5 }, "page_size");
  rejects({ order_by: [{ col: "id", dir: "up" }] }, "order_by[0].dir");
  rejects({ order_by: [{ col: "tags" }] }, "order_by[0].col");
  rejects([], "");
  const typo = rejects({ predicate: [] }, "predicate");
  assert.match(typo.message, /did you mean "predicates"/);
});

Deno.test("count takes predicates only", () => {
  assert.deepEqual(planCount(parseCountBody({}), schema), []);
  assert.throws(() => parseCountBody({ page: 1 }), ApiError);
});
