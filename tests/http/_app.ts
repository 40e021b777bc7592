/** An in-process app over fixture data, for route tests without a port. */
import { type App, createApp } from "../../server/app.ts";
import { defaultConfig, type ServerConfig } from "../../server/config.ts";
import { writeFixture } from "../_shared/fixture.ts";
import { answerChecker } from "./_openapi.ts";

export interface TestApp {
  app: App;
  path: string;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: HeadersInit,
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function testApp(
  overrides: Partial<ServerConfig> = {},
  path?: string,
  adminToken = "",
): Promise<TestApp> {
  const file = path ?? await writeFixture();
  const config: ServerConfig = {
    ...defaultConfig(),
    kv: ":memory:",
    datasets: [{
      name: "fx",
      source: file,
      mode: "auto",
      description: "fixture",
      index_columns: [],
      index_max_cardinality: 100_000,
    }],
    ...overrides,
  };
  const app = await createApp(config, { adminToken });
  await app.loadAll();
  // Every answer a test gets is checked against the OpenAPI document.
  const checker = answerChecker(config);
  return {
    app,
    path: file,
    async call(method, p, body, headers = {}) {
      const h = new Headers(headers);
      if (body !== undefined && !h.has("content-type")) {
        h.set("content-type", "application/json");
      }
      const res = await app.handler(
        new Request(`http://local${p}`, {
          method,
          headers: h,
          body: body === undefined
            ? undefined
            : typeof body === "string"
            ? body
            : JSON.stringify(body),
        }),
      );
      await checker.check(method, `http://local${p}`, res);
      return res;
    },
    close: () => app.close(),
  };
}

/**
 * A POST to `path` whose JSON body starts and never ends: the request runs
 * until a deadline ends it, however fast the engine would answer.
 */
export function endlessPost(path: string): Request {
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode('{"columns":'));
    },
  });
  return new Request(`http://local${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    duplex: "half",
  } as RequestInit);
}
