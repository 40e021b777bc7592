/**
 * GET /api/v1/openapi.json: an OpenAPI 3.1 document of every route, body,
 * answer, header and error. Request bodies come from the validator's own
 * tables (requests.ts), answers from answers.ts.
 */
import denoJson from "../../deno.json" with { type: "json" };
import { EXPORT_FORMATS, EXPORT_MEDIA_TYPES } from "../../encode/export.ts";
import {
  COUNT_BODY,
  type ObjectDef,
  QUERY_BODY,
} from "../../query/request_defs.ts";
import type { ServerConfig } from "../config.ts";
import { Q } from "../request_json.ts";
import {
  errorResponses,
  ERRORS,
  headerRefs,
  HEADERS,
  jsonOf,
  SCHEMAS,
} from "./answers.ts";
import { NAMED, ref, requestSchemas, type Schema } from "./requests.ts";

const NAME = {
  name: "name",
  in: "path",
  required: true,
  description: "the dataset's name",
  schema: { type: "string" },
};

function bodyOperation(
  summary: string,
  body: ObjectDef,
  ok: Record<string, Schema>,
  method: "post" | "get",
): Schema {
  const formats = body === QUERY_BODY
    ? [{
      name: "format",
      in: "query",
      description:
        "json (default, or Accept), arrow (or Accept: application/vnd.apache.arrow.stream); ndjson, csv and parquet export every row up to limit, streamed, as an attachment",
      schema: { type: "string", enum: ["json", "arrow", ...EXPORT_FORMATS] },
    }]
    : [];
  const q = {
    name: Q,
    in: "query",
    description:
      "the request body as URL-encoded JSON (absent: {}); at most max_body_bytes",
    content: jsonOf(ref(NAMED.get(body)!)),
  };
  return {
    summary: method === "get" ? `${summary} (the body in ?q=)` : summary,
    parameters: [
      NAME,
      ...formats,
      ...(method === "get" ? [q] : []),
      {
        name: "If-None-Match",
        in: "header",
        description: "an earlier ETag: 304 when the answer is unchanged",
        schema: { type: "string" },
      },
    ],
    ...(method === "post"
      ? {
        requestBody: {
          required: body === QUERY_BODY,
          content: jsonOf(ref(NAMED.get(body)!)),
        },
      }
      : {}),
    responses: {
      ...ok,
      "304": {
        description: "not modified (If-None-Match matched)",
        headers: headerRefs("ETag"),
      },
      ...errorResponses(
        "400",
        "401",
        "403",
        "404",
        ...(method === "post" ? ["408", "413", "415"] : ["413"]),
        "409",
        "500",
        "502",
        "503",
        "504",
      ),
    },
  };
}

function queryAnswers(): Record<string, Schema> {
  const exports = Object.fromEntries(
    EXPORT_FORMATS.map((f) => [EXPORT_MEDIA_TYPES[f], {
      schema: { type: "string", format: "binary" },
    }]),
  );
  return {
    "200": {
      description:
        "a page (JSON or Arrow IPC stream), or the whole result as an export",
      headers: headerRefs(
        "ETag",
        "Vary",
        "X-Dataset-Version",
        "X-Page",
        "X-Page-Size",
        "X-Returned",
        "X-Has-More",
        "Content-Disposition",
      ),
      content: {
        ...jsonOf(ref("QueryPage")),
        "application/vnd.apache.arrow.stream": {
          schema: { type: "string", format: "binary" },
        },
        ...exports,
      },
    },
  };
}

const okJson = (schema: string, description: string) => ({
  "200": { description, content: jsonOf(ref(schema)) },
});

/** The document for a server with `config` (its prefix and metrics path). */
export function openApiDocument(
  config: Pick<
    ServerConfig,
    | "prefix"
    | "metrics_enabled"
    | "metrics_path"
    | "max_body_bytes"
    | "cors_origins"
  >,
): Schema {
  const ds = "/api/v1/datasets/{name}";
  const read = errorResponses(
    "401",
    "403",
    "404",
    "500",
    "502",
    "503",
    "504",
  );
  const paths: Record<string, Schema> = {
    "/health": {
      get: {
        summary: "liveness",
        responses: okJson("Health", "the process runs"),
      },
    },
    "/healthz": {
      get: {
        summary: "liveness (alias)",
        responses: okJson("Health", "the process runs"),
      },
    },
    "/readyz": {
      get: {
        summary: "readiness",
        responses: {
          ...okJson("Ready", "every dataset loaded"),
          "503": {
            description: "still loading",
            content: jsonOf(ref("Ready")),
          },
        },
      },
    },
    "/api/v1/datasets": {
      get: {
        summary: "the datasets",
        responses: { ...okJson("DatasetList", "every dataset"), ...read },
      },
    },
    [`${ds}/schema`]: {
      get: {
        summary: "a dataset's columns, a sample row and its row count",
        parameters: [NAME],
        responses: { ...okJson("Schema", "the schema"), ...read },
      },
    },
    [`${ds}/query`]: {
      post: bodyOperation(
        "a page of rows, or an export",
        QUERY_BODY,
        queryAnswers(),
        "post",
      ),
      get: bodyOperation(
        "a page of rows, or an export",
        QUERY_BODY,
        queryAnswers(),
        "get",
      ),
    },
    [`${ds}/count`]: {
      post: bodyOperation(
        "the rows matching the predicates",
        COUNT_BODY,
        okJson("Count", "the count"),
        "post",
      ),
      get: bodyOperation(
        "the rows matching the predicates",
        COUNT_BODY,
        okJson("Count", "the count"),
        "get",
      ),
    },
    [`${ds}/columns/{col}/profile`]: {
      get: {
        summary:
          "a column's profile: nulls, distinct estimate, min/max, top 10 values, histogram",
        parameters: [NAME, {
          name: "col",
          in: "path",
          required: true,
          schema: { type: "string" },
        }],
        responses: { ...okJson("Profile", "the profile"), ...read },
      },
    },
    [`${ds}/reload`]: {
      post: {
        summary:
          "re-reads the dataset's source and publishes it as a new version",
        parameters: [NAME, {
          name: "X-Admin-Token",
          in: "header",
          description: "ADMIN_TOKEN (or a bearer token with a reload scope)",
          schema: { type: "string" },
        }],
        responses: {
          ...okJson("Reload", "the new version"),
          ...errorResponses("401", "403", "404", "500", "502", "503"),
        },
      },
    },
    "/api/v1/openapi.json": {
      get: {
        summary: "this document",
        responses: {
          "200": {
            description: "OpenAPI 3.1",
            content: { "application/json": { schema: { type: "object" } } },
          },
        },
      },
    },
    "/docs": {
      get: {
        summary: "this document, rendered (Swagger UI, bundled)",
        responses: {
          "200": {
            description: "an HTML page",
            content: { "text/html": { schema: { type: "string" } } },
          },
          ...errorResponses("503"),
        },
      },
    },
    "/": {
      get: {
        summary: "the query builder (UI)",
        responses: {
          "200": {
            description: "an HTML page",
            content: { "text/html": { schema: { type: "string" } } },
          },
          ...errorResponses("503"),
        },
      },
    },
  };
  if (config.metrics_enabled) {
    paths[config.metrics_path] = {
      get: {
        summary: "Prometheus metrics",
        responses: {
          "200": {
            description: "Prometheus text format",
            content: { "text/plain": { schema: { type: "string" } } },
          },
        },
      },
    };
  }
  // Every route answers a wrong method with 405.
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item)) {
      Object.assign(
        (op as { responses: Schema }).responses,
        errorResponses("405"),
      );
    }
    if (config.cors_origins.length > 0) {
      item.options = {
        summary: "CORS preflight",
        responses: {
          "204": {
            description:
              "the origin is in cors_origins: Access-Control-Allow-Methods, -Headers and -Max-Age",
            headers: headerRefs("Access-Control-Allow-Origin"),
          },
          ...errorResponses("403"),
        },
      };
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "datapress",
      version: denoJson.version,
      description:
        `Parquet, Delta, CSV and NDJSON datasets over HTTP. Errors are always {"error":{status,code,message,path}}. Request bodies are at most ${config.max_body_bytes} bytes.`,
    },
    servers: [{ url: config.prefix || "/" }],
    paths,
    components: {
      schemas: {
        ...SCHEMAS,
        ...requestSchemas(),
      },
      headers: HEADERS,
      responses: Object.fromEntries(
        Object.entries(ERRORS).map(([code, description]) => [`E${code}`, {
          description,
          headers: code === "405"
            ? headerRefs("Allow")
            : code === "401"
            ? headerRefs("WWW-Authenticate")
            : {},
          content: jsonOf(ref("Error")),
        }]),
      ),
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "when auth is enabled",
        },
        adminToken: { type: "apiKey", in: "header", name: "X-Admin-Token" },
      },
    },
  };
}
