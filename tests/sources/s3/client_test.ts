import assert from "node:assert/strict";
import { SourceError } from "../../../sources/errors.ts";
import { S3Client } from "../../../sources/s3/client.ts";
import { resolveS3Config } from "../../../sources/s3/config.ts";
import { parseListObjectsV2 } from "../../../sources/s3/xml.ts";
import { startS3 } from "./_server.ts";

const text = new TextEncoder();
const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "client against s3rver: put, list, head, get, range",
  opts,
  async () => {
    const s3 = await startS3(["data"]);
    try {
      const client = new S3Client(s3.config);
      // s3rver double-escapes "&" in listings, so the key avoids it (xml.ts is tested for it below).
      const key = "dir one/a+b=c %.parquet";
      const etag = await client.putObject(
        "data",
        key,
        text.encode("0123456789abcdef"),
      );
      assert.match(etag, /^[0-9a-f]{32}$/);
      await client.putObject("data", "dir one/z.txt", text.encode("z"));
      await client.putObject("data", "other.txt", text.encode("o"));

      const page = await client.listObjectsV2("data", { prefix: "dir one/" });
      assert.deepEqual(page.objects.map((o) => [o.key, o.size]), [[key, 16], [
        "dir one/z.txt",
        1,
      ]]);
      assert.equal(page.objects[0]!.etag, etag);
      assert.equal(page.nextContinuationToken, null);

      assert.deepEqual(await client.headObject("data", key), {
        key,
        size: 16,
        etag,
      });
      assert.equal(await client.headObject("data", "missing"), null);
      assert.equal(
        new TextDecoder().decode(await client.getObject("data", key)),
        "0123456789abcdef",
      );
      assert.equal(
        new TextDecoder().decode(
          await client.getObject("data", key, { offset: 10, length: 4 }),
        ),
        "abcd",
      );
      await assert.rejects(
        () => client.getObject("data", "missing.parquet"),
        (e) =>
          e instanceof SourceError &&
          e.message === "not found: s3://data/missing.parquet (NoSuchKey)",
      );
    } finally {
      await s3.close();
    }
  },
);

Deno.test(
  "client: pagination with continuation tokens, > 1000 keys",
  opts,
  async () => {
    const s3 = await startS3(["many"]);
    try {
      const client = new S3Client(s3.config);
      const keys = Array.from(
        { length: 1003 },
        (_, i) => `p/k${String(i).padStart(4, "0")}`,
      );
      for (let i = 0; i < keys.length; i += 50) {
        await Promise.all(
          keys.slice(i, i + 50).map((k) =>
            client.putObject("many", k, text.encode(k))
          ),
        );
      }
      const first = await client.listObjectsV2("many", {
        prefix: "p/",
        maxKeys: 2,
      });
      assert.deepEqual(first.objects.map((o) => o.key), ["p/k0000", "p/k0001"]);
      assert.ok(first.nextContinuationToken);
      const small = await client.listAll("many", "p/", 400);
      assert.deepEqual(small.map((o) => o.key), keys);
      const all = await client.listAll("many", "p/");
      assert.equal(all.length, 1003);
      assert.equal(all[1002]!.key, "p/k1002");
    } finally {
      await s3.close();
    }
  },
);

Deno.test(
  "client: wrong credentials are refused without leaking them",
  opts,
  async () => {
    const s3 = await startS3(["data"]);
    try {
      await new S3Client(s3.config).putObject("data", "k", text.encode("x"));
      for (
        const creds of [{ secret_access_key: "wrong-secret" }, {
          access_key_id: "NOPE",
          secret_access_key: "S3RVER",
        }]
      ) {
        const client = new S3Client({ ...s3.config, ...creds });
        const error = await client.getObject("data", "k").catch((e) => e);
        assert.ok(error instanceof SourceError);
        assert.match(
          error.message,
          /^access denied to s3:\/\/data\/k \((SignatureDoesNotMatch|InvalidAccessKeyId)\)$/,
        );
        assert.ok(
          !error.message.includes("wrong-secret") &&
            !error.message.includes("NOPE"),
        );
        await assert.rejects(
          () => client.listAll("data", ""),
          /access denied to s3:\/\/data\//,
        );
      }
    } finally {
      await s3.close();
    }
  },
);

Deno.test("config: http refused unless allowed, env fallback, addressing", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.throws(
    () => resolveS3Config({ endpoint: "http://localhost:9000" }, env({})),
    /allow_http/,
  );
  assert.throws(
    () => resolveS3Config({ endpoint: "not a url" }, env({})),
    /s3.endpoint/,
  );
  assert.throws(
    () => resolveS3Config({ access_key_id: "a" }, env({})),
    /access_key_id and secret_access_key must be set together/,
  );
  const fromEnv = resolveS3Config(
    {},
    env({
      AWS_ACCESS_KEY_ID: "AK",
      AWS_SECRET_ACCESS_KEY: "SK",
      AWS_SESSION_TOKEN: "ST",
      AWS_REGION: "eu-west-3",
    }),
  );
  assert.deepEqual(fromEnv.credentials, {
    accessKeyId: "AK",
    secretAccessKey: "SK",
    sessionToken: "ST",
  });
  assert.equal(fromEnv.region, "eu-west-3");
  assert.equal(fromEnv.addressingStyle, "virtual");
  assert.equal(fromEnv.endpoint.href, "https://s3.eu-west-3.amazonaws.com/");
  // Inline keys win over env and do not pick up the env session token.
  const inline = resolveS3Config(
    { access_key_id: "I", secret_access_key: "S" },
    env({ AWS_SESSION_TOKEN: "ST" }),
  );
  assert.deepEqual(inline.credentials, {
    accessKeyId: "I",
    secretAccessKey: "S",
    sessionToken: undefined,
  });
  assert.equal(resolveS3Config({}, env({})).credentials, null);

  const virtual = new S3Client({ region: "us-east-1" }, env({}));
  assert.equal(
    virtual.objectUrl("bkt", "a b/c.parquet").href,
    "https://bkt.s3.us-east-1.amazonaws.com/a%20b/c.parquet",
  );
  const path = new S3Client({
    endpoint: "https://minio.local:9000/base",
    addressing_style: "path",
  }, env({}));
  assert.equal(
    path.objectUrl("bkt", "x/y").href,
    "https://minio.local:9000/base/bkt/x/y",
  );
  assert.equal(
    path.objectUrl("bkt", "").href,
    "https://minio.local:9000/base/bkt",
  );
});

Deno.test("xml: ListBucketResult entities, truncation and malformed input", () => {
  const page = parseListObjectsV2(
    `<?xml version="1.0"?><ListBucketResult><IsTruncated>true</IsTruncated>` +
      `<Contents><Key>a&amp;b&lt;&#x263A;</Key><Size>3</Size><ETag>&quot;e1&quot;</ETag></Contents>` +
      `<NextContinuationToken>t/+=</NextContinuationToken></ListBucketResult>`,
  );
  assert.deepEqual(page, {
    objects: [{ key: "a&b<☺", size: 3, etag: "e1" }],
    nextContinuationToken: "t/+=",
  });
  assert.throws(
    () => parseListObjectsV2("<Error><Code>X</Code></Error>"),
    /not a ListBucketResult/,
  );
  assert.throws(
    () =>
      parseListObjectsV2(
        "<ListBucketResult><Contents><Key>a</Key><Size>-1</Size></Contents></ListBucketResult>",
      ),
    /malformed/,
  );
  assert.throws(
    () =>
      parseListObjectsV2(
        "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
      ),
    /without NextContinuationToken/,
  );
});
