/** The current query as code a user can paste: a curl command or TypeScript. */
import type { QueryBody } from "../client/mod.ts";

/** The POST query URL of a dataset. */
export function queryUrl(base: string, dataset: string): string {
  return `${base}/api/v1/datasets/${encodeURIComponent(dataset)}/query`;
}

export function curlSnippet(url: string, body: QueryBody): string {
  return `curl -X POST '${url}' -H 'Content-Type: application/json' -d '${
    JSON.stringify(body).replaceAll("'", "'\\''")
  }'`;
}

export function typeScriptSnippet(
  base: string,
  dataset: string,
  body: QueryBody,
): string {
  return `import { DataPressClient } from "./client/mod.ts";\nconst dp = new DataPressClient(${
    JSON.stringify(base)
  });\nconst page = await dp.queryJson(${JSON.stringify(dataset)}, ${
    JSON.stringify(body, null, 2)
  });`;
}
