/**
 * The conformance table: every request here must get the same answer from
 * every engine. Adding a case is adding a row.
 */
export interface Case {
  name: string;
  route: "query" | "count";
  body: unknown;
}

const cols: Record<string, unknown[]> = {
  id: [0, 250, -1, "9007199254740993"],
  state: ["TX", "Zürich", "日本", "zz"],
  score: [-20, 17.5, "NaN", 0],
  severity: [1, 3, 4],
  day: ["2020-01-01", "2020-06-30", "2021-02-03"],
  at: [
    "2021-06-01T00:00:00Z",
    "2021-06-10T12:00:00+02:00",
    "2021-06-05T07:00:00",
  ],
  flag: [true, false],
  big: ["9007199254740993", "9007199254741200", 5],
  price: ["12.50", 0, "3.25", "12.5"],
  raw: ["AA==", "/w==", "Cg=="],
};
const ORDERABLE = [
  "id",
  "state",
  "score",
  "severity",
  "day",
  "at",
  "flag",
  "big",
  "price",
];
const OPS = ["eq", "neq", "gt", "gte", "lt", "lte"] as const;

export function cases(): Case[] {
  const out: Case[] = [];
  for (const [col, vals] of Object.entries(cols)) {
    for (const op of OPS) {
      for (const val of vals.slice(0, 2)) {
        out.push({
          name: `${col} ${op} ${val}`,
          route: "query",
          body: { predicates: [{ col, op, val }], page_size: 40 },
        });
      }
    }
    out.push({
      name: `${col} in`,
      route: "query",
      body: { predicates: [{ col, op: "in", val: vals }], page_size: 40 },
    });
    out.push({
      name: `${col} count in`,
      route: "count",
      body: { predicates: [{ col, op: "in", val: vals }] },
    });
    out.push({
      name: `${col} is_null`,
      route: "count",
      body: { predicates: [{ col, op: "is_null" }] },
    });
    out.push({
      name: `${col} is_not_null`,
      route: "query",
      body: {
        columns: [col],
        predicates: [{ col, op: "is_not_null" }],
        page_size: 7,
        page: 3,
      },
    });
  }
  for (const pattern of ["T%", "%ü%", "_X", "%", "z\\%", "日_", "t%"]) {
    out.push({
      name: `like ${pattern}`,
      route: "query",
      body: {
        predicates: [{ col: "state", op: "like", val: pattern }],
        page_size: 30,
      },
    });
    out.push({
      name: `ilike ${pattern}`,
      route: "count",
      body: { predicates: [{ col: "state", op: "ilike", val: pattern }] },
    });
  }
  for (const col of ORDERABLE) {
    for (const dir of ["asc", "desc"]) {
      out.push({
        name: `order ${col} ${dir}`,
        route: "query",
        body: { order_by: [{ col, dir }], page_size: 25, page: 2 },
      });
    }
    out.push({
      name: `group ${col}`,
      route: "query",
      body: {
        group_by: [col],
        aggregations: [
          { op: "count" },
          { op: "count", col: "score" },
          { op: "sum", col: "severity" },
          { op: "min", col: "state" },
          {
            op: "max",
            col: "at",
          },
          { op: "sum", col: "price" },
        ],
      },
    });
    out.push({
      name: `distinct ${col}`,
      route: "query",
      body: {
        columns: [col],
        distinct: true,
        order_by: [{ col, dir: "desc" }],
      },
    });
  }
  out.push(
    {
      name: "multi order",
      route: "query",
      body: {
        order_by: [{ col: "state" }, { col: "score", dir: "desc" }],
        page_size: 60,
      },
    },
    {
      name: "multi group",
      route: "query",
      body: {
        group_by: ["state", "flag"],
        aggregations: [{ op: "avg", col: "severity" }, {
          op: "max",
          col: "big",
        }],
        order_by: [{ col: "avg_severity", dir: "desc" }],
      },
    },
    {
      // Float keys (NaN, -0) hash while date and bool keys count by value;
      // three keys combine pairwise.
      name: "three-key group",
      route: "query",
      body: {
        group_by: ["score", "day", "flag"],
        aggregations: [{ op: "count" }, { op: "sum", col: "big" }],
        page_size: 200,
      },
    },
    {
      name: "two-key group with a 64-bit key",
      route: "query",
      body: {
        group_by: ["big", "state"],
        aggregations: [{ op: "min", col: "score" }],
        order_by: [{ col: "min_score", dir: "desc" }, { col: "big" }],
        page_size: 40,
        page: 2,
      },
    },
    {
      name: "three-key order, top-k page",
      route: "query",
      body: {
        order_by: [{ col: "flag", dir: "desc" }, { col: "day" }, {
          col: "big",
          dir: "desc",
        }],
        page_size: 7,
        page: 3,
      },
    },
    {
      name: "group avg price",
      route: "query",
      body: {
        group_by: ["severity"],
        aggregations: [{ op: "avg", col: "price" }, { op: "min", col: "day" }],
      },
    },
    {
      name: "paging with limit",
      route: "query",
      body: { columns: ["id", "state"], page: 3, page_size: 30, limit: 75 },
    },
    {
      name: "page past end",
      route: "query",
      body: { page: 50, page_size: 30 },
    },
    { name: "all columns", route: "query", body: { page_size: 500 } },
    {
      name: "two predicates",
      route: "query",
      body: {
        predicates: [{ col: "state", op: "eq", val: "TX" }, {
          col: "severity",
          op: "gte",
          val: 3,
        }],
        order_by: [{ col: "day", dir: "desc" }],
      },
    },
    { name: "count all", route: "count", body: {} },
    { name: "unknown column", route: "query", body: { columns: ["nope"] } },
    {
      name: "bad value",
      route: "query",
      body: { predicates: [{ col: "severity", op: "eq", val: "x" }] },
    },
    {
      name: "like on int",
      route: "query",
      body: { predicates: [{ col: "id", op: "like", val: "1%" }] },
    },
    {
      name: "sum string",
      route: "query",
      body: { group_by: ["flag"], aggregations: [{ op: "sum", col: "state" }] },
    },
    {
      name: "binary order",
      route: "query",
      body: { order_by: [{ col: "raw" }] },
    },
  );
  return out;
}

/** Generic cases that fit any table: whole pages, counts, ordering and grouping on its first column. */
export function tableCases(first: string, partition?: string): Case[] {
  const out: Case[] = [
    { name: "all rows", route: "query", body: { page_size: 5000 } },
    { name: "count", route: "count", body: {} },
    {
      name: `order ${first}`,
      route: "query",
      body: { order_by: [{ col: first, dir: "desc" }], page_size: 50 },
    },
    {
      name: `group ${first}`,
      route: "query",
      body: { group_by: [first], aggregations: [{ op: "count" }] },
    },
    {
      name: `not null ${first}`,
      route: "count",
      body: { predicates: [{ col: first, op: "is_not_null" }] },
    },
  ];
  if (partition) {
    out.push(
      {
        name: "partition eq",
        route: "query",
        body: {
          predicates: [{ col: partition, op: "eq", val: 2 }],
          page_size: 500,
        },
      },
      {
        name: "partition in",
        route: "count",
        body: { predicates: [{ col: partition, op: "in", val: [1, 3] }] },
      },
      {
        name: "partition null",
        route: "count",
        body: { predicates: [{ col: partition, op: "is_null" }] },
      },
      {
        name: "partition order",
        route: "query",
        body: {
          order_by: [{ col: partition }, { col: first }],
          page_size: 100,
          page: 2,
        },
      },
      {
        name: "partition group",
        route: "query",
        body: {
          group_by: [partition],
          aggregations: [{ op: "count" }, { op: "max", col: first }],
        },
      },
    );
  }
  return out;
}
