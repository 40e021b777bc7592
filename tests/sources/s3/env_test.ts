/** AWS_ENDPOINT_URL(_S3) read as the AWS SDKs read them. */
import assert from "node:assert/strict";
import { resolveS3Config } from "../../../sources/s3/config.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("s3 env: the S3-specific endpoint wins, path style and http follow", () => {
  const both = resolveS3Config(
    {},
    env({
      AWS_ENDPOINT_URL: "https://global.example",
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9000",
    }),
  );
  assert.equal(both.endpoint.href, "http://127.0.0.1:9000/");
  // A custom endpoint means path-style addressing, what MinIO needs; an
  // http endpoint set in the env is explicit enough to be used.
  assert.equal(both.addressingStyle, "path");

  const global = resolveS3Config(
    {},
    env({ AWS_ENDPOINT_URL: "https://minio.example:9000" }),
  );
  assert.equal(global.endpoint.href, "https://minio.example:9000/");
  assert.equal(global.addressingStyle, "path");

  // The config's endpoint wins over the env, and keeps its http rule.
  const config = resolveS3Config(
    { endpoint: "https://r2.example" },
    env({ AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9000" }),
  );
  assert.equal(config.endpoint.href, "https://r2.example/");
  assert.throws(
    () =>
      resolveS3Config(
        { endpoint: "http://127.0.0.1:9000" },
        env({ AWS_ENDPOINT_URL: "http://127.0.0.1:9000" }),
      ),
    /allow_http/,
  );
  // An explicit addressing style still wins.
  assert.equal(
    resolveS3Config(
      { addressing_style: "virtual" },
      env({ AWS_ENDPOINT_URL: "https://minio.example" }),
    ).addressingStyle,
    "virtual",
  );
  // The SDKs' switch to ignore configured endpoints.
  const ignored = resolveS3Config(
    {},
    env({
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9000",
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true",
      AWS_DEFAULT_REGION: "eu-north-1",
    }),
  );
  assert.equal(ignored.endpoint.href, "https://s3.eu-north-1.amazonaws.com/");
  assert.equal(ignored.addressingStyle, "virtual");
  // A bad value names the variable it came from.
  assert.throws(
    () => resolveS3Config({}, env({ AWS_ENDPOINT_URL_S3: "not a url" })),
    /^Error: AWS_ENDPOINT_URL_S3: not a valid URL$/,
  );
  assert.throws(
    () => resolveS3Config({}, env({ AWS_ENDPOINT_URL: "ftp://x" })),
    /AWS_ENDPOINT_URL: must be an http\(s\) URL/,
  );
});
