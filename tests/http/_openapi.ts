/**
 * Every answer the HTTP tests get is checked against the server's own
 * OpenAPI document with Ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses): the
 * status must be documented for the route and method, the media type
 * listed, and a JSON body must fit its schema.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import formats from "ajv-formats";
import {
  brotliDecompressSync,
  gunzipSync,
  zstdDecompressSync,
} from "node:zlib";
import { openApiDocument } from "../../server/openapi/document.ts";
import type { ServerConfig } from "../../server/config.ts";

const addFormats = formats as unknown as (ajv: Ajv2020) => Ajv2020;

/** A compressed answer's bytes as sent before compression. */
function decoded(encoding: string | null, bytes: Uint8Array): Uint8Array {
  if (encoding === "gzip") return gunzipSync(bytes);
  if (encoding === "br") return brotliDecompressSync(bytes);
  if (encoding === "zstd") return zstdDecompressSync(bytes);
  return bytes;
}

type Doc = ReturnType<typeof openApiDocument> & {
  paths: Record<string, Record<string, Operation>>;
};
interface Operation {
  responses: Record<string, Response200 | { $ref: string }>;
}
interface Response200 {
  content?: Record<string, { schema: unknown }>;
}

export interface AnswerChecker {
  doc: Doc;
  /** Throws naming the route, status and the schema's complaint. */
  check(method: string, url: string, res: Response): Promise<void>;
}

/** A checker for servers running with `config`. */
export function answerChecker(config: ServerConfig): AnswerChecker {
  const doc = openApiDocument(config) as Doc;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, "openapi");
  const compiled = new Map<string, ValidateFunction>();
  const validator = (pointer: string) => {
    let v = compiled.get(pointer);
    if (!v) {
      compiled.set(pointer, v = ajv.compile({ $ref: `openapi#${pointer}` }));
    }
    return v;
  };
  const templates = Object.keys(doc.paths).map((t) => ({
    t,
    re: new RegExp(`^${t.replace(/\{[^}]+\}/g, "[^/]+")}$`),
  }));
  const esc = (s: string) => s.replaceAll("~", "~0").replaceAll("/", "~1");

  return {
    doc,
    async check(method, url, res) {
      const path = new URL(url).pathname.slice(config.prefix.length) || "/";
      const template = templates.find((x) => x.re.test(path))?.t;
      const where = `${method} ${path} → ${res.status}`;
      // Unknown paths (and the UI's files) answer 404 in the error shape.
      const op = template
        ? doc.paths[template]![method.toLowerCase()]
        : undefined;
      let pointer: string;
      let response: Response200 | { $ref: string } | undefined;
      if (!template || !op) {
        if (![404, 405].includes(res.status) && !path.startsWith("/ui/")) {
          throw new Error(`${where}: no such route in the OpenAPI document`);
        }
        if (path.startsWith("/ui/") && res.status === 200) return;
        pointer = `/components/responses/E${res.status}`;
        response = { $ref: `#${pointer}` };
      } else {
        response = op.responses[String(res.status)];
        pointer = `/paths/${
          esc(template)
        }/${method.toLowerCase()}/responses/${res.status}`;
      }
      if (!response) {
        throw new Error(`${where}: status not documented for this route`);
      }
      if ("$ref" in response) {
        pointer = response.$ref.slice(1);
        response = (doc as unknown as {
          components: { responses: Record<string, Response200> };
        }).components.responses[pointer.split("/").pop()!];
      }
      const type = (res.headers.get("content-type") ?? "").split(";")[0]!;
      const content = (response as Response200).content;
      if (!content || res.status === 304) return;
      const listed = Object.keys(content).map((k) => k.split(";")[0]);
      if (!listed.includes(type)) {
        throw new Error(
          `${where}: content-type ${type} not documented (${
            listed.join(", ")
          })`,
        );
      }
      if (type !== "application/json") return;
      const body = JSON.parse(
        new TextDecoder().decode(
          decoded(
            res.headers.get("content-encoding"),
            new Uint8Array(await res.clone().arrayBuffer()),
          ),
        ),
      );
      const validate = validator(
        `${pointer}/content/${
          esc(Object.keys(content).find((k) => k.startsWith(type))!)
        }/schema`,
      );
      if (!validate(body)) {
        throw new Error(
          `${where}: answer does not fit the OpenAPI document: ${
            ajv.errorsText(validate.errors)
          }\n${JSON.stringify(body).slice(0, 500)}`,
        );
      }
    },
  };
}
