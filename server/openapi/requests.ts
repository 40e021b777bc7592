/**
 * The request bodies' JSON Schemas, translated from the tables that
 * query/parse.ts validates with (query/request_defs.ts): one source, so
 * the document cannot state a rule the validator does not apply, or miss
 * one it does.
 */
import {
  AGGREGATION,
  COUNT_BODY,
  type Def,
  type ObjectDef,
  ORDER_BY,
  PREDICATE,
  QUERY_BODY,
  SCALAR,
  VAL_BY_OP,
} from "../../query/request_defs.ts";
import { OPS } from "../../query/types.ts";

export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({
  $ref: `#/components/schemas/${name}`,
});

/** Named object definitions become components, referenced where used. */
export const NAMED = new Map<ObjectDef, string>([
  [PREDICATE, "Predicate"],
  [ORDER_BY, "OrderBy"],
  [AGGREGATION, "Aggregation"],
  [QUERY_BODY, "QueryBody"],
  [COUNT_BODY, "CountBody"],
]);

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** A request definition as JSON Schema (2020-12, as OpenAPI 3.1 uses it). */
export function defSchema(def: Def, top = false): Schema {
  if (def.type === "object" && !top && NAMED.has(def)) {
    return ref(NAMED.get(def)!);
  }
  const base = (type: string, rest: Schema): Schema => ({
    type: def.nullable ? [type, "null"] : type,
    description: def.description,
    ...(def.default !== undefined ? { default: def.default } : {}),
    ...rest,
  });
  switch (def.type) {
    case "string":
      return base(
        "string",
        def.enum ? { enum: [...def.enum] } : {
          minLength: 1,
        },
      );
    case "integer":
      return base("integer", { minimum: def.minimum, maximum: MAX_SAFE });
    case "boolean":
      return base("boolean", {});
    case "array":
      return base("array", {
        items: defSchema(def.items),
        maxItems: def.maxItems,
      });
    case "object":
      return def === PREDICATE ? predicateSchema() : {
        type: "object",
        description: def.description,
        properties: Object.fromEntries(
          Object.entries(def.properties).map(([k, d]) => [k, defSchema(d)]),
        ),
        required: Object.entries(def.properties)
          .filter(([, d]) => d.default === undefined && !d.optional)
          .map(([k]) => k),
        additionalProperties: false,
      };
    case "val":
      return { description: def.description };
  }
}

const scalar: Schema = {
  type: ["string", "number", "boolean"],
  description: SCALAR.description,
};

/** One schema per kind of `val` (VAL_BY_OP), so each op's rule is stated. */
function predicateSchema(): Schema {
  const groups = new Map<string, { ops: string[]; val: Schema | null }>();
  for (const op of OPS) {
    const want = VAL_BY_OP[op];
    const val: Schema | null = want === null
      ? null
      : want.type === "scalar"
      ? scalar
      : want.type === "string"
      ? { type: "string", description: "a pattern: % any run, _ one char" }
      : {
        type: "array",
        items: scalar,
        minItems: want.minItems,
        maxItems: want.maxItems,
      };
    const key = JSON.stringify(val);
    const g = groups.get(key) ?? { ops: [] as string[], val };
    g.ops.push(op);
    groups.set(key, g);
  }
  const col = defSchema(PREDICATE.properties.col!);
  return {
    description: PREDICATE.description,
    oneOf: [...groups.values()].map(({ ops, val }) => ({
      type: "object",
      properties: {
        col,
        op: { type: "string", enum: ops },
        ...(val ? { val } : {}),
      },
      required: val ? ["col", "op", "val"] : ["col", "op"],
      additionalProperties: false,
    })),
  };
}

/** The request schemas, as components of the document. */
export function requestSchemas(): Record<string, Schema> {
  return {
    QueryBody: defSchema(QUERY_BODY, true),
    CountBody: defSchema(COUNT_BODY, true),
    Predicate: defSchema(PREDICATE, true),
    OrderBy: defSchema(ORDER_BY, true),
    Aggregation: defSchema(AGGREGATION, true),
  };
}
