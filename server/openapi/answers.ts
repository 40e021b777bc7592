/**
 * What the server answers, as JSON Schemas, headers and error responses of
 * the OpenAPI document. The HTTP tests check every answer they get against
 * these (tests/http/_openapi.ts), so they stay true.
 */
import { ref, type Schema } from "./requests.ts";

const error: Schema = {
  type: "object",
  required: ["error"],
  additionalProperties: false,
  properties: {
    error: {
      type: "object",
      required: ["status", "code", "message"],
      properties: {
        status: { type: "integer" },
        code: { type: "string" },
        message: { type: "string" },
        path: {
          type: "string",
          description:
            "where in the request the problem is, e.g. predicates[1].col",
        },
        current_version: {
          type: "integer",
          description: "409 version_changed: the version the server holds now",
        },
      },
    },
  },
};

const column: Schema = {
  type: "object",
  required: ["name", "type"],
  additionalProperties: false,
  properties: {
    name: { type: "string" },
    type: {
      type: "string",
      description:
        "bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 float32 float64 decimal(p,s) string binary date timestamp[unit] timestamp[unit,UTC] time list<T> struct<...> map<K,V>",
    },
  },
};

const nullableInt = { type: ["integer", "null"] };

export const SCHEMAS: Record<string, Schema> = {
  Error: error,
  Column: column,
  QueryPage: {
    type: "object",
    additionalProperties: false,
    required: [
      "dataset",
      "version",
      "columns",
      "rows",
      "page",
      "page_size",
      "returned",
      "has_more",
    ],
    properties: {
      dataset: { type: "string" },
      version: { type: "integer" },
      columns: { type: "array", items: ref("Column") },
      rows: {
        type: "array",
        items: { type: "object" },
        description:
          "one object per row; int64 beyond ±(2^53-1), decimals and NaN/±Infinity as strings, dates YYYY-MM-DD, timestamps ISO-8601 (Z when UTC-adjusted), binary base64",
      },
      page: { type: "integer", minimum: 1 },
      page_size: { type: "integer", minimum: 1 },
      returned: { type: "integer", minimum: 0 },
      has_more: { type: "boolean" },
    },
  },
  Count: {
    type: "object",
    additionalProperties: false,
    required: ["count", "version"],
    properties: {
      count: { type: "integer", minimum: 0 },
      version: { type: "integer" },
    },
  },
  DatasetList: {
    type: "object",
    additionalProperties: false,
    required: ["datasets"],
    properties: {
      datasets: {
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: [
            "name",
            "description",
            "format",
            "engine",
            "storage",
            "building",
            "rows",
            "columns",
            "version",
            "source_version",
            "loaded_at",
          ],
          properties: {
            name: { type: "string" },
            description: { type: "string" },
            format: {
              type: "string",
              enum: ["parquet", "delta", "csv", "ndjson"],
            },
            engine: { type: "string", enum: ["duckdb", "memory"] },
            storage: {
              type: ["string", "null"],
              enum: ["view", "table", "memory", null],
              description:
                "what answers now: the DuckDB engine's view of the files or its native table (built in the background after load), or the memory engine's columns; null until loaded",
            },
            building: {
              type: ["boolean", "null"],
              description:
                "true while the engine still builds, in the background, what makes this version faster: the DuckDB engine's native table, the memory engine's equality indexes (answers are the same either way); null until loaded",
            },
            rows: { ...nullableInt, description: "null until loaded" },
            columns: nullableInt,
            version: nullableInt,
            source_version: {
              ...nullableInt,
              description: "the Delta table version read; null otherwise",
            },
            loaded_at: { type: ["string", "null"], format: "date-time" },
          },
        },
      },
    },
  },
  Schema: {
    type: "object",
    additionalProperties: false,
    required: ["dataset", "columns", "sample", "rows", "version"],
    properties: {
      dataset: { type: "string" },
      columns: {
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["name", "type", "nullable", "indexed"],
          properties: {
            name: { type: "string" },
            type: { type: "string" },
            nullable: { type: "boolean" },
            indexed: {
              type: "boolean",
              description: "has an equality index (memory engine)",
            },
          },
        },
      },
      sample: {
        type: ["object", "null"],
        description: "the first row, null for an empty dataset",
      },
      rows: { type: "integer", minimum: 0 },
      version: { type: "integer" },
    },
  },
  Profile: {
    type: "object",
    additionalProperties: false,
    required: [
      "dataset",
      "version",
      "column",
      "type",
      "rows",
      "nulls",
      "distinct_approx",
      "min",
      "max",
      "top",
      "histogram",
    ],
    properties: {
      dataset: { type: "string" },
      version: { type: "integer" },
      column: { type: "string" },
      type: { type: "string" },
      rows: { type: "integer" },
      nulls: { type: "integer" },
      distinct_approx: {
        type: "integer",
        description: "within 2 % of the exact count",
      },
      min: { description: "encoded as in query answers; null when none" },
      max: { description: "encoded as in query answers; null when none" },
      top: {
        type: "array",
        maxItems: 10,
        items: {
          type: "object",
          required: ["value", "count"],
          additionalProperties: false,
          properties: { value: {}, count: { type: "integer" } },
        },
      },
      histogram: {
        type: ["array", "null"],
        maxItems: 20,
        items: {
          type: "object",
          required: ["lo", "hi", "count"],
          additionalProperties: false,
          properties: { lo: {}, hi: {}, count: { type: "integer" } },
        },
      },
    },
  },
  Reload: {
    type: "object",
    additionalProperties: false,
    required: ["dataset", "rows", "elapsed_ms", "version"],
    properties: {
      dataset: { type: "string" },
      rows: { type: "integer" },
      elapsed_ms: { type: "integer" },
      version: { type: "integer" },
    },
  },
  Health: {
    type: "object",
    required: ["status"],
    additionalProperties: false,
    properties: { status: { const: "ok" } },
  },
  Ready: {
    type: "object",
    required: ["status", "datasets"],
    additionalProperties: false,
    properties: {
      status: { enum: ["ready", "not_ready"] },
      datasets: { type: "integer" },
      loaded: { type: "integer", description: "not_ready only" },
    },
  },
};

const header = (description: string, schema: Schema = { type: "string" }) => ({
  description,
  schema,
});

export const HEADERS: Record<string, Schema> = {
  ETag: header(
    "strong validator of the answer (dataset version + normalised request + format); send it back in If-None-Match for a 304",
  ),
  Vary: header("Accept-Encoding (and Origin when cors_origins is set)"),
  "X-Dataset-Version": header("the dataset version answered from", {
    type: "integer",
  }),
  "X-Page": header("Arrow: the page number", { type: "integer" }),
  "X-Page-Size": header("Arrow: the (clamped) page size", { type: "integer" }),
  "X-Returned": header("Arrow: rows in this page", { type: "integer" }),
  "X-Has-More": header("Arrow: whether a next page has rows", {
    type: "string",
    enum: ["true", "false"],
  }),
  "Content-Disposition": header(
    'exports only: attachment; filename="{dataset}.{ext}"',
  ),
  Allow: header("405: the methods the route takes"),
  "WWW-Authenticate": header("401: Bearer error=..."),
  "Access-Control-Allow-Origin": header(
    "an allowed origin (cors_origins), or * when any origin is",
  ),
};

export const headerRefs = (...names: string[]) =>
  Object.fromEntries(
    names.map((n) => [n, { $ref: `#/components/headers/${n}` }]),
  );

export const ERRORS: Record<string, string> = {
  "400":
    "invalid request (unknown key, bad value, unknown column, bad q or format); `path` points at it",
  "401": "missing or bad bearer token (auth enabled) or wrong X-Admin-Token",
  "403": "reload disabled, scope or tenant missing, or a CORS origin refused",
  "404": "no such route, dataset or column",
  "405": "wrong method (Allow lists the right ones)",
  "408": "the request body did not arrive within body_timeout_ms",
  "409": "version_changed: the pinned version is no longer held",
  "413": "the body (or q) is larger than max_body_bytes",
  "415": "Content-Type is not application/json",
  "500": "internal error (details in the server log)",
  "502": "a source could not be read",
  "503": "not ready, auth keys unavailable or the UI not built",
  "504": "request_timeout_ms passed; the engine work was cancelled",
};

export function errorResponses(...codes: string[]): Record<string, Schema> {
  return Object.fromEntries(
    codes.map((c) => [c, { $ref: `#/components/responses/E${c}` }]),
  );
}

export const jsonOf = (schema: Schema) => ({
  "application/json": { schema },
});
