/**
 * The OpenAPI document: served, complete, and in agreement with the
 * request validator (query/parse.ts). Every rule of the validator's tables
 * appears in the document, and for bodies built to test each rule, Ajv
 * over the document and parse.ts accept and refuse exactly the same ones.
 */
import assert from "node:assert/strict";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parseCountBody, parseQueryBody } from "../../query/parse.ts";
import {
  COUNT_BODY,
  type Def,
  MAX_IN_VALUES,
  MAX_LIST,
  type ObjectDef,
  QUERY_BODY,
  VAL_BY_OP,
} from "../../query/request_defs.ts";
import { OPS } from "../../query/types.ts";
import { testApp } from "./_app.ts";

type Json = Record<string, unknown>;

Deno.test("openapi: served as OpenAPI 3.1 with every route, method and error", async () => {
  const t = await testApp({ metrics_enabled: true, cors_origins: ["*"] });
  try {
    const res = await t.call("GET", "/api/v1/openapi.json");
    assert.equal(res.status, 200);
    const doc = await res.json();
    assert.equal(doc.openapi, "3.1.0");
    const ops = Object.entries(doc.paths as Record<string, Json>).flatMap((
      [p, item],
    ) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    for (
      const want of [
        "GET /health",
        "GET /healthz",
        "GET /readyz",
        "GET /metrics",
        "GET /api/v1/datasets",
        "GET /api/v1/datasets/{name}/schema",
        "POST /api/v1/datasets/{name}/query",
        "GET /api/v1/datasets/{name}/query",
        "POST /api/v1/datasets/{name}/count",
        "GET /api/v1/datasets/{name}/count",
        "GET /api/v1/datasets/{name}/columns/{col}/profile",
        "POST /api/v1/datasets/{name}/reload",
        "GET /api/v1/openapi.json",
        "GET /docs",
        "GET /",
        "OPTIONS /api/v1/datasets/{name}/query",
      ]
    ) assert.ok(ops.includes(want), `${want} missing from ${ops.join(", ")}`);
    // Exports, headers and errors are described.
    const query = doc.paths["/api/v1/datasets/{name}/query"].get;
    assert.deepEqual(
      Object.keys(query.responses["200"].content).sort(),
      [
        "application/json",
        "application/vnd.apache.arrow.stream",
        "application/vnd.apache.parquet",
        "application/x-ndjson",
        "text/csv; charset=utf-8",
      ],
    );
    assert.ok(query.responses["200"].headers["Content-Disposition"]);
    assert.ok(query.parameters.some((p: Json) => p.name === "q"));
    for (const code of ["304", "400", "404", "409", "413", "504"]) {
      assert.ok(query.responses[code], code);
    }
    // Every schema and response in it compiles.
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema(doc, "doc");
    for (const name of Object.keys(doc.components.schemas)) {
      ajv.compile({ $ref: `doc#/components/schemas/${name}` });
    }
  } finally {
    await t.close();
  }
});

/** Every rule of an object definition, as (path, rule) pairs. */
function rules(def: Def, path: string): string[] {
  const out: string[] = [];
  if (def.type === "object") {
    out.push(`${path}: keys ${Object.keys(def.properties).join(",")}`);
    for (const [k, d] of Object.entries(def.properties)) {
      out.push(...rules(d, `${path}.${k}`));
    }
  } else if (def.type === "array") {
    out.push(`${path}: at most ${def.maxItems}`);
    out.push(...rules(def.items, `${path}[]`));
  } else if (def.type === "integer") out.push(`${path}: >= ${def.minimum}`);
  else if (def.type === "string" && def.enum) {
    out.push(`${path}: one of ${def.enum.join(",")}`);
  }
  return out;
}

Deno.test("openapi: every validator rule appears in the document", async () => {
  const t = await testApp();
  let doc: Json;
  try {
    doc = await (await t.call("GET", "/api/v1/openapi.json")).json();
  } finally {
    await t.close();
  }
  const schemas = (doc.components as Json).schemas as Record<string, Json>;
  const resolve = (s: Json): Json =>
    typeof s.$ref === "string"
      ? resolve(schemas[(s.$ref as string).split("/").pop()!]!)
      : s;
  const check = (def: Def, schema: Json, path: string): number => {
    schema = resolve(schema);
    let n = 0;
    if (def.type === "object" && schema.oneOf) {
      // The predicate: one branch per kind of val, together every op.
      const branches = schema.oneOf as Json[];
      const ops = branches.flatMap((b) =>
        ((b.properties as Json).op as Json).enum as string[]
      );
      assert.deepEqual([...ops].sort(), [...OPS].sort(), path);
      for (const b of branches) {
        assert.equal(b.additionalProperties, false, path);
        const props = b.properties as Json;
        for (const op of (props.op as Json).enum as string[]) {
          const want = VAL_BY_OP[op as keyof typeof VAL_BY_OP];
          if (want === null) assert.ok(!props.val, `${op} takes no val`);
          else {
            assert.ok((b.required as string[]).includes("val"), op);
            const val = props.val as Json;
            if (want.type === "array") {
              assert.equal(val.minItems, want.minItems);
              assert.equal(val.maxItems, MAX_IN_VALUES);
            } else if (want.type === "string") assert.equal(val.type, "string");
            else {
              assert.deepEqual(val.type, ["string", "number", "boolean"]);
            }
          }
          n++;
        }
      }
      return n;
    }
    if (def.type === "object") {
      assert.equal(schema.additionalProperties, false, path);
      const props = schema.properties as Json;
      assert.deepEqual(
        Object.keys(props),
        Object.keys(def.properties),
        path,
      );
      const required = schema.required as string[];
      for (const [k, d] of Object.entries(def.properties)) {
        assert.equal(
          required.includes(k),
          d.default === undefined && !d.optional,
          `${path}.${k} required`,
        );
        if (d.type !== "val") n += check(d, props[k] as Json, `${path}.${k}`);
      }
      return n + 1;
    }
    const types = [schema.type].flat();
    assert.equal(types.includes("null"), Boolean(def.nullable), path);
    if (def.default !== undefined) {
      assert.deepEqual(schema.default, def.default, `${path} default`);
    }
    if (def.type === "array") {
      assert.equal(schema.maxItems, def.maxItems, path);
      return 1 + check(def.items, schema.items as Json, `${path}[]`);
    }
    if (def.type === "integer") {
      assert.equal(schema.minimum, def.minimum, path);
      assert.equal(schema.maximum, Number.MAX_SAFE_INTEGER, path);
    }
    if (def.type === "string") {
      if (def.enum) assert.deepEqual(schema.enum, [...def.enum], path);
      else assert.equal(schema.minLength, 1, path);
    }
    assert.ok(types.includes(def.type), path);
    return 1;
  };
  const checked = check(QUERY_BODY, schemas.QueryBody!, "QueryBody") +
    check(COUNT_BODY, schemas.CountBody!, "CountBody");
  // Not vacuous: every rule of the tables was looked at.
  const all = rules(QUERY_BODY, "query").length +
    rules(COUNT_BODY, "count").length;
  assert.ok(checked >= all, `${checked} checks for ${all} rules`);
});

/** Bodies that each break (or just meet) one rule of the query body. */
function queryBodies(): unknown[] {
  const good = {
    columns: ["a"],
    predicates: [{ col: "a", op: "eq", val: 1 }],
    order_by: [{ col: "a", dir: "desc" }],
    group_by: ["a"],
    aggregations: [{ op: "count" }, { col: "b", op: "sum", alias: "s" }],
    distinct: false,
    limit: 10,
    page: 2,
    page_size: 5,
    version: 3,
  };
  const out: unknown[] = [good, {}, null, [], "x"];
  const many = (n: number, v: unknown) => Array.from({ length: n }, () => v);
  for (const [k, v] of Object.entries(good)) {
    out.push({ [k]: v }, { [k]: null }, { [k]: "x" }, { [k]: 1.5 });
    out.push({ [k]: -1 }, { [k]: 0 }, { [k]: true }, { [k]: {} });
    if (Array.isArray(v)) {
      out.push({ [k]: many(MAX_LIST, v[0]) }, {
        [k]: many(MAX_LIST + 1, v[0]),
      });
      out.push({ [k]: [""] }, { [k]: [null] }, {
        [k]: [{ ...v[0] as Json, x: 1 }],
      });
    }
  }
  out.push({ colums: ["a"] }, { page: Number.MAX_SAFE_INTEGER + 1 });
  out.push({ order_by: [{ col: "a" }] }, { order_by: [{ dir: "asc" }] });
  out.push({ order_by: [{ col: "a", dir: "up" }] }, {
    order_by: [{ col: "a", dir: null }],
  });
  out.push({ aggregations: [{ col: "a" }] }, {
    aggregations: [{ op: "median" }],
  });
  out.push({ aggregations: [{ op: "count", col: null, alias: null }] });
  for (const op of [...OPS, "between"]) {
    for (
      const val of [
        undefined,
        null,
        1,
        "x",
        true,
        [],
        [1, "a"],
        [null],
        [[1]],
        {},
      ]
    ) {
      out.push({
        predicates: [{ col: "a", op, ...(val === undefined ? {} : { val }) }],
      });
    }
  }
  out.push({
    predicates: [{ col: "a", op: "in", val: many(MAX_IN_VALUES, 1) }],
  });
  out.push({
    predicates: [{ col: "a", op: "in", val: many(MAX_IN_VALUES + 1, 1) }],
  });
  out.push({ predicates: [{ op: "eq", val: 1 }] }, {
    predicates: [{ col: "", op: "eq", val: 1 }],
  });
  return out;
}

Deno.test("openapi: Ajv over the document and parse.ts accept exactly the same bodies", async () => {
  const t = await testApp();
  let doc: Json;
  try {
    doc = await (await t.call("GET", "/api/v1/openapi.json")).json();
  } finally {
    await t.close();
  }
  const ajv = new Ajv2020({ strict: false });
  ajv.addSchema(doc, "doc");
  const pairs: [ObjectDef, string, (b: unknown) => unknown, unknown[]][] = [
    [QUERY_BODY, "QueryBody", parseQueryBody, queryBodies()],
    [
      COUNT_BODY,
      "CountBody",
      parseCountBody,
      queryBodies().filter((b) =>
        b === null || typeof b !== "object" || Array.isArray(b) ||
        Object.keys(b).every((k) => k in COUNT_BODY.properties) ||
        "columns" in b
      ),
    ],
  ];
  const disagree: string[] = [];
  let accepted = 0, refused = 0;
  for (const [, name, parse, bodies] of pairs) {
    const validate = ajv.compile({ $ref: `doc#/components/schemas/${name}` });
    for (const body of bodies) {
      const byDoc = validate(body) as boolean;
      let byParser = true;
      try {
        parse(body);
      } catch {
        byParser = false;
      }
      if (byDoc !== byParser) {
        disagree.push(
          `${name} ${JSON.stringify(body)?.slice(0, 120)}: document ${
            byDoc ? "accepts" : "refuses"
          }, parse.ts ${byParser ? "accepts" : "refuses"}`,
        );
      }
      if (byParser) accepted++;
      else refused++;
    }
  }
  assert.deepEqual(disagree, []);
  // Both outcomes were exercised in number.
  assert.ok(accepted > 30 && refused > 100, `${accepted} / ${refused}`);
});

Deno.test("docs: /docs serves the bundled API reference page", async () => {
  const t = await testApp({ prefix: "/dp" });
  try {
    const page = await t.call("GET", "/dp/docs");
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type")!, /text\/html/);
    assert.match(
      await page.text(),
      /<script type="module" src="ui\/docs\.js">/,
    );
    const js = await t.call("GET", "/dp/ui/docs.js");
    assert.equal(js.status, 200);
    assert.match(await js.text(), /swagger-ui/);
  } finally {
    await t.close();
  }
});
