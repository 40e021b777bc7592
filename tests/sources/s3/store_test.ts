import assert from "node:assert/strict";
import { SourceError } from "../../../sources/errors.ts";
import { S3Client } from "../../../sources/s3/client.ts";
import { createS3Store } from "../../../sources/s3/store.ts";
import { startS3 } from "./_server.ts";

const text = new TextEncoder();
const opts = { sanitizeOps: false, sanitizeResources: false };

/** Counts GET requests that leave this process (instrumentation, the server stays real). */
function countGets(): { count: () => number; restore: () => void } {
  const original = globalThis.fetch;
  let gets = 0;
  globalThis.fetch = (input, init) => {
    if (
      (init?.method ?? "GET") === "GET" && !String(input).includes("list-type")
    ) gets++;
    return original(input, init);
  };
  return {
    count: () => gets,
    restore: () => void (globalThis.fetch = original),
  };
}

Deno.test("s3 store: list, stat, read, localPath cache", opts, async () => {
  const s3 = await startS3(["lake"]);
  const cacheDir = `${s3.dir}/cache`;
  try {
    const client = new S3Client(s3.config);
    const etagA = await client.putObject(
      "lake",
      "t/b=2/part-0.parquet",
      text.encode("AAAA"),
    );
    await client.putObject("lake", "t/b=1/part-0.parquet", text.encode("BB"));
    await client.putObject("lake", "u/other", text.encode("C"));
    const store = createS3Store("lake", s3.config, cacheDir);

    assert.deepEqual(
      (await store.list("t/")).map((o) => [o.path, o.size]),
      [["t/b=1/part-0.parquet", 2], ["t/b=2/part-0.parquet", 4]],
    );
    assert.deepEqual(await store.stat("t/b=2/part-0.parquet"), {
      path: "t/b=2/part-0.parquet",
      size: 4,
      version: etagA,
    });
    assert.equal(await store.stat("t/nope"), null);
    assert.equal(new TextDecoder().decode(await store.read("u/other")), "C");

    const gets = countGets();
    let paths: string[];
    try {
      paths = await Promise.all(
        Array.from(
          { length: 5 },
          () => store.localPath("t/b=2/part-0.parquet"),
        ),
      );
      assert.equal(gets.count(), 1, "concurrent callers share one download");
      assert.equal(await store.localPath("t/b=2/part-0.parquet"), paths[0]);
      assert.equal(gets.count(), 1, "a cached version is not downloaded again");
    } finally {
      gets.restore();
    }
    assert.ok(paths.every((p) => p === paths[0]));
    assert.ok(paths[0]!.startsWith(cacheDir) && paths[0]!.endsWith(".parquet"));
    assert.equal(await Deno.readTextFile(paths[0]!), "AAAA");

    // A new version (ETag) is a new cache entry; the old file stays for readers still using it.
    const etagB = await client.putObject(
      "lake",
      "t/b=2/part-0.parquet",
      text.encode("NEWER"),
    );
    assert.notEqual(etagB, etagA);
    const fresh = await store.localPath("t/b=2/part-0.parquet");
    assert.notEqual(fresh, paths[0]);
    assert.equal(await Deno.readTextFile(fresh), "NEWER");
    const names = [...Deno.readDirSync(cacheDir)].map((e) => e.name);
    assert.equal(names.length, 2);
    assert.ok(
      names.every((n) => !n.endsWith(".part")),
      "no temp files left behind",
    );

    await assert.rejects(
      () => store.localPath("t/missing.parquet"),
      (e) =>
        e instanceof SourceError &&
        e.message === "not found: s3://lake/t/missing.parquet",
    );
  } finally {
    await s3.close();
  }
});

Deno.test(
  "s3 store: access denied names the object, not the keys",
  opts,
  async () => {
    const s3 = await startS3(["lake"]);
    try {
      await new S3Client(s3.config).putObject(
        "lake",
        "x.parquet",
        text.encode("x"),
      );
      const store = createS3Store("lake", {
        ...s3.config,
        secret_access_key: "bad",
      }, `${s3.dir}/cache`);
      await assert.rejects(
        () => store.list(""),
        /^SourceError: access denied to s3:\/\/lake\/ \(SignatureDoesNotMatch\)$/,
      );
      await assert.rejects(
        () => store.read("x.parquet"),
        /access denied to s3:\/\/lake\/x\.parquet/,
      );
      // HEAD answers carry no body, so the code is unknown there.
      await assert.rejects(
        () => store.localPath("x.parquet"),
        /^SourceError: access denied to s3:\/\/lake\/x\.parquet$/,
      );
    } finally {
      await s3.close();
    }
  },
);

Deno.test("s3 store: http endpoint refused without allow_http", () => {
  assert.throws(
    () =>
      createS3Store(
        "lake",
        { endpoint: "http://127.0.0.1:9000" },
        "/tmp/unused",
      ),
    /http endpoints are refused unless allow_http is true/,
  );
});
