/** Auth disabled: reads are open and reload takes ADMIN_TOKEN, compared in constant time. */
import assert from "node:assert/strict";
import {
  constantTimeEqual,
  createAuthenticator,
  validateAuthConfig,
} from "../../auth/mod.ts";
import { refused, request } from "./_decisions.ts";

Deno.test("auth disabled: reads open, reload by ADMIN_TOKEN", async () => {
  const disabled = validateAuthConfig({ enabled: false });
  const noToken = await createAuthenticator(disabled, { adminToken: "" });
  assert.deepEqual(await noToken.authorize(request(), "read"), { ok: true });
  const off = refused(
    await noToken.authorize(request({ "x-admin-token": "x" }), "reload"),
    403,
    "reload_disabled",
  )!;
  assert.match(off.message, /^reload is disabled: set ADMIN_TOKEN/);
  const withToken = await createAuthenticator(disabled, {
    adminToken: "s3cret",
  });
  refused(await withToken.authorize(request(), "reload"), 401, "unauthorized");
  refused(
    await withToken.authorize(request({ "x-admin-token": "s3cre" }), "reload"),
    401,
    "unauthorized",
  );
  refused(
    await withToken.authorize(
      request({ "x-admin-token": "s3cret!" }),
      "reload",
    ),
    401,
    "unauthorized",
  );
  assert.equal(
    (await withToken.authorize(
      request({ "x-admin-token": "s3cret" }),
      "reload",
    )).ok,
    true,
  );
});

Deno.test("constantTimeEqual", () => {
  assert.equal(constantTimeEqual("abc", "abc"), true);
  assert.equal(constantTimeEqual("abc", "abd"), false);
  assert.equal(constantTimeEqual("abc", "abcd"), false);
  assert.equal(constantTimeEqual("", ""), true);
  assert.equal(constantTimeEqual("", "a"), false);
  assert.equal(constantTimeEqual("é", "e\u0301"), false);
});
