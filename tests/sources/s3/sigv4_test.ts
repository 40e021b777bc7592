/**
 * SigV4 against the examples published in the AWS S3 documentation
 * ("Signature Calculations for the Authorization Header: Transferring
 * Payload in a Single Chunk"). Expected values are copied from the docs.
 */
import assert from "node:assert/strict";
import {
  canonicalRequest,
  EMPTY_SHA256,
  formatAmzDate,
  sha256Hex,
  signedHeaderEntries,
  signRequest,
  uriEncode,
} from "../../../sources/s3/sigv4.ts";

const credentials = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const date = new Date(Date.UTC(2013, 4, 24, 0, 0, 0));

function signatureOf(headers: Headers): string {
  return /Signature=([0-9a-f]{64})$/.exec(headers.get("authorization")!)![1]!;
}

Deno.test("GET Object example: canonical request, scope, signature", async () => {
  const url = new URL("https://examplebucket.s3.amazonaws.com/test.txt");
  const headers = await signRequest({
    method: "GET",
    url,
    headers: new Headers({ range: "bytes=0-9" }),
    region: "us-east-1",
    credentials,
    payloadHash: EMPTY_SHA256,
    date,
  });
  const canonical = canonicalRequest(
    "GET",
    url,
    signedHeaderEntries(url, headers),
    EMPTY_SHA256,
  );
  assert.equal(
    canonical,
    [
      "GET",
      "/test.txt",
      "",
      "host:examplebucket.s3.amazonaws.com",
      "range:bytes=0-9",
      `x-amz-content-sha256:${EMPTY_SHA256}`,
      "x-amz-date:20130524T000000Z",
      "",
      "host;range;x-amz-content-sha256;x-amz-date",
      EMPTY_SHA256,
    ].join("\n"),
  );
  assert.equal(
    await sha256Hex(canonical),
    "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
  );
  assert.equal(
    headers.get("authorization"),
    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
      "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, " +
      "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
  );
});

Deno.test("GET Bucket Lifecycle example (empty query value)", async () => {
  const headers = await signRequest({
    method: "GET",
    url: new URL("https://examplebucket.s3.amazonaws.com/?lifecycle"),
    headers: new Headers(),
    region: "us-east-1",
    credentials,
    payloadHash: EMPTY_SHA256,
    date,
  });
  assert.equal(
    signatureOf(headers),
    "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
  );
});

Deno.test("GET Bucket (List Objects) example (sorted query)", async () => {
  const headers = await signRequest({
    method: "GET",
    url: new URL("https://examplebucket.s3.amazonaws.com/?prefix=J&max-keys=2"),
    headers: new Headers(),
    region: "us-east-1",
    credentials,
    payloadHash: EMPTY_SHA256,
    date,
  });
  assert.equal(
    signatureOf(headers),
    "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
  );
});

Deno.test("session token is sent and signed; UNSIGNED-PAYLOAD is the default", async () => {
  const headers = await signRequest({
    method: "GET",
    url: new URL("https://b.s3.amazonaws.com/k"),
    headers: new Headers(),
    region: "eu-west-1",
    credentials: { ...credentials, sessionToken: "TOKEN/+=" },
    date,
  });
  assert.equal(headers.get("x-amz-security-token"), "TOKEN/+=");
  assert.equal(headers.get("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  assert.match(
    headers.get("authorization")!,
    /SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, /,
  );
  assert.match(
    headers.get("authorization")!,
    /\/20130524\/eu-west-1\/s3\/aws4_request/,
  );
});

Deno.test("helpers: date format and RFC 3986 encoding", () => {
  assert.equal(
    formatAmzDate(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))),
    "20240102T030405Z",
  );
  assert.equal(
    uriEncode("a b+c/d~e*f'(g)!"),
    "a%20b%2Bc%2Fd~e%2Af%27%28g%29%21",
  );
});
