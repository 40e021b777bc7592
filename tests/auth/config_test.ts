import assert from "node:assert/strict";
import { ConfigError, validateAuthConfig } from "../../auth/config.ts";

function refusesKey(raw: unknown, key: string, message: RegExp) {
  assert.throws(
    () => validateAuthConfig(raw),
    (e) => e instanceof ConfigError && e.key === key && message.test(e.message),
  );
}

Deno.test("defaults: absent or disabled auth", () => {
  const off = validateAuthConfig(undefined);
  assert.equal(off.enabled, false);
  const on = validateAuthConfig({
    enabled: true,
    issuer: "https://id.example.com/realms/x",
  });
  assert.deepEqual(on.algorithms, ["RS256"]);
  assert.equal(on.leeway_secs, 60);
  assert.equal(on.jwks_refresh_secs, 3600);
  assert.equal(on.tenant_claim, null);
  assert.equal(on.anonymous_read, false);
  assert.equal(on.start_degraded, false);
  // Disabled auth ignores a missing issuer.
  assert.equal(
    validateAuthConfig({ enabled: false, audience: "x" }).enabled,
    false,
  );
});

Deno.test("errors name the key", () => {
  refusesKey({ enabled: true }, "auth.issuer", /required when auth is enabled/);
  refusesKey(
    { enabled: true, issuer: "not a url" },
    "auth.issuer",
    /not a valid URL/,
  );
  refusesKey({ enabled: "yes" }, "auth.enabled", /true or false/);
  refusesKey(
    { enabled: true, issuer: "https://i", read_scopes: "datasets:read" },
    "auth.read_scopes",
    /list/,
  );
  refusesKey(
    { enabled: true, issuer: "https://i", leeway_secs: -1 },
    "auth.leeway_secs",
    />= 0/,
  );
  refusesKey(
    { enabled: true, issuer: "https://i", algorithms: ["none"] },
    "auth.algorithms",
    /unsupported algorithm "none"/,
  );
  refusesKey(
    { enabled: true, issuer: "https://i", algorithms: ["HS256"] },
    "auth.algorithms",
    /unsupported/,
  );
  refusesKey({ issuer: "https://i", scopes: [] }, "auth.scopes", /unknown key/);
  refusesKey(
    {
      enabled: true,
      issuer: "https://i",
      tenant_claim: "tenant_id",
      allowed_tenants: ["a"],
    },
    "auth.tenant_claim",
    /JSON pointer starting with "\/"/,
  );
  refusesKey(
    {
      enabled: true,
      issuer: "https://i",
      tenant_claim: "/a~2b",
      allowed_tenants: ["a"],
    },
    "auth.tenant_claim",
    /~0/,
  );
  refusesKey(
    { enabled: true, issuer: "https://i", tenant_claim: "/t" },
    "auth.allowed_tenants",
    /not be empty/,
  );
  refusesKey([], "auth", /must be an object/);
  assert.throws(
    () => validateAuthConfig({ enabled: 1 }, "server.auth"),
    /^ConfigError: server\.auth\.enabled: /,
  );
});
