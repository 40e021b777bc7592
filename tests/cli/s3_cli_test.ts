/**
 * `serve name=s3://bucket/prefix/` against a real S3 server (s3rver) with
 * nothing but the standard AWS environment variables.
 */
import assert from "node:assert/strict";
import { S3Client } from "../../sources/s3/client.ts";
import { writeFixture } from "../_shared/fixture.ts";
import { KEY, startS3 } from "../sources/s3/_server.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const opts = { sanitizeOps: false, sanitizeResources: false };

function serve(source: string, env: Record<string, string>) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "serve",
      source,
      "--port",
      "0",
      "--kv",
      ":memory:",
    ],
    stdout: "piped",
    stderr: "piped",
    env: { DATAPRESS_LOG: "error", ...env },
  }).spawn();
}

Deno.test(
  "s3 from the CLI: AWS_ENDPOINT_URL_S3 (over AWS_ENDPOINT_URL), path style, http",
  opts,
  async () => {
    const s3 = await startS3(["lake"]);
    const cache = await Deno.makeTempDir();
    try {
      await new S3Client(s3.config).putObject(
        "lake",
        "events/part-0.parquet",
        await Deno.readFile(await writeFixture(300)),
      );
      const env = {
        // A dead global endpoint: the S3-specific one must win.
        AWS_ENDPOINT_URL: "http://127.0.0.1:9",
        AWS_ENDPOINT_URL_S3: s3.config.endpoint!,
        AWS_ACCESS_KEY_ID: KEY,
        AWS_SECRET_ACCESS_KEY: KEY,
        AWS_REGION: "us-east-1",
        XDG_CACHE_HOME: cache,
      };
      const child = serve("events=s3://lake/events/", env);
      try {
        const reader = child.stdout.pipeThrough(new TextDecoderStream())
          .getReader();
        let text = "";
        let url: string | undefined;
        while (!url) {
          const { value, done } = await reader.read();
          if (done) {
            throw new Error(
              `exited: ${text} ${
                new TextDecoder().decode((await child.output()).stderr)
              }`,
            );
          }
          text += value;
          url = /listening on (\S+)/.exec(text)?.[1];
        }
        (async () => {
          while (!(await reader.read()).done);
        })();
        const res = await fetch(`${url}/api/v1/datasets/events/count`);
        assert.deepEqual((await res.json()).count, 300);
      } finally {
        child.kill("SIGTERM");
        await child.status;
        await child.stderr.cancel().catch(() => {});
      }

      // A wrong secret: exit 2, naming the object asked for, not a probe.
      for (
        const [source, named] of [
          ["events=s3://lake/events/", "s3://lake/events/"],
          [
            "p=s3://lake/events/part-0.parquet",
            "s3://lake/events/part-0.parquet",
          ],
        ]
      ) {
        const out = await serve(source!, {
          ...env,
          AWS_SECRET_ACCESS_KEY: "wrong",
        })
          .output();
        const stderr = new TextDecoder().decode(out.stderr);
        assert.equal(out.code, 2, stderr);
        assert.ok(stderr.includes(`access denied to ${named}`), stderr);
        assert.doesNotMatch(stderr, /_delta_log/);
      }
    } finally {
      await s3.close();
      await Deno.remove(cache, { recursive: true });
    }
  },
);
