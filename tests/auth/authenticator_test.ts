import assert from "node:assert/strict";
import { generateKeyPair, SignJWT } from "jose";
import { createAuthenticator, validateAuthConfig } from "../../auth/mod.ts";
import { bearer, refused, request } from "./_decisions.ts";
import { AUDIENCE, type LocalProvider, startProvider } from "./_provider.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

function config(issuer: string, extra: Record<string, unknown> = {}) {
  return validateAuthConfig({
    enabled: true,
    issuer,
    audience: AUDIENCE,
    read_scopes: ["datasets:read"],
    reload_scopes: ["datasets:reload"],
    ...extra,
  });
}

async function withProvider(fn: (p: LocalProvider) => Promise<void>) {
  const provider = await startProvider();
  try {
    await fn(provider);
  } finally {
    await provider.close();
  }
}

Deno.test(
  "real provider tokens: read/reload scopes, 401s, 403s",
  opts,
  () =>
    withProvider(async (p) => {
      const auth = await createAuthenticator(config(p.issuer), {
        adminToken: "",
      });
      try {
        assert.equal(auth.state, "ready");
        const full = await p.token("acme");
        assert.deepEqual(await auth.authorize(bearer(full), "read"), {
          ok: true,
          subject: "acme",
        });
        assert.deepEqual(await auth.authorize(bearer(full), "reload"), {
          ok: true,
          subject: "acme",
        });

        const missing = refused(
          await auth.authorize(request(), "read"),
          401,
          "invalid_token",
        )!;
        assert.match(
          missing.wwwAuthenticate!,
          /^Bearer error="invalid_token", error_description="missing bearer token/,
        );
        refused(
          await auth.authorize(
            request({ authorization: "Basic YTpi" }),
            "read",
          ),
          401,
          "invalid_token",
        );
        const garbage = refused(
          await auth.authorize(bearer("abc.def.ghi"), "read"),
          401,
          "invalid_token",
        )!;
        assert.match(
          garbage.wwwAuthenticate!,
          /error="invalid_token", error_description="token is malformed"/,
        );

        // Same claims and kid, signed with a key the provider never published.
        const { privateKey } = await generateKeyPair("RS256");
        const forged = await new SignJWT({ scope: "datasets:read" })
          .setProtectedHeader({ alg: "RS256", kid: "test-key" })
          .setIssuer(p.issuer).setAudience(AUDIENCE).setSubject("acme")
          .setIssuedAt().setExpirationTime("5m")
          .sign(privateKey);
        refused(
          await auth.authorize(bearer(forged), "read"),
          401,
          "invalid_token",
        );

        const readOnly = await p.token("acme", "datasets:read");
        assert.equal((await auth.authorize(bearer(readOnly), "read")).ok, true);
        const noReload = refused(
          await auth.authorize(bearer(readOnly), "reload"),
          403,
          "insufficient_scope",
        )!;
        assert.match(
          noReload.wwwAuthenticate!,
          /^Bearer error="insufficient_scope".*scope="datasets:reload"$/,
        );
        const reloadOnly = await p.token("acme", "datasets:reload");
        refused(
          await auth.authorize(bearer(reloadOnly), "read"),
          403,
          "insufficient_scope",
        );
      } finally {
        auth.close();
      }
    }),
);

Deno.test("wrong audience is a 401", opts, () =>
  withProvider(async (p) => {
    const auth = await createAuthenticator(
      config(p.issuer, { audience: "some-other-api" }),
    );
    const decision = refused(
      await auth.authorize(bearer(await p.token("acme")), "read"),
      401,
      "invalid_token",
    )!;
    assert.match(decision.message, /aud/);
    auth.close();
  }));

Deno.test(
  "expired token: refused without leeway, accepted within leeway",
  opts,
  () =>
    withProvider(async (p) => {
      const token = await p.token("short"); // 1 s lifetime
      await new Promise((r) => setTimeout(r, 2200));
      const strict = await createAuthenticator(
        config(p.issuer, { leeway_secs: 0 }),
      );
      const decision = refused(
        await strict.authorize(bearer(token), "read"),
        401,
        "invalid_token",
      )!;
      assert.match(
        decision.wwwAuthenticate!,
        /error_description="token expired"/,
      );
      const lenient = await createAuthenticator(
        config(p.issuer, { leeway_secs: 60 }),
      );
      assert.equal((await lenient.authorize(bearer(token), "read")).ok, true);
      strict.close();
      lenient.close();
    }),
);

Deno.test(
  "tenant claim: allowed, refused, nested pointer, absent",
  opts,
  () =>
    withProvider(async (p) => {
      const acme = await p.token("acme");
      const evil = await p.token("evil");
      const top = await createAuthenticator(
        config(p.issuer, {
          tenant_claim: "/tenant_id",
          allowed_tenants: ["acme"],
        }),
      );
      assert.equal((await top.authorize(bearer(acme), "read")).ok, true);
      const refusal = refused(
        await top.authorize(bearer(evil), "read"),
        403,
        "forbidden_tenant",
      )!;
      assert.match(refusal.wwwAuthenticate!, /error="insufficient_scope"/);
      const nested = await createAuthenticator(
        config(p.issuer, {
          tenant_claim: "/org/tenant",
          allowed_tenants: ["evil"],
        }),
      );
      assert.equal((await nested.authorize(bearer(evil), "reload")).ok, true);
      refused(
        await nested.authorize(bearer(acme), "read"),
        403,
        "forbidden_tenant",
      );
      const absent = await createAuthenticator(
        config(p.issuer, { tenant_claim: "/nope", allowed_tenants: ["acme"] }),
      );
      refused(
        await absent.authorize(bearer(acme), "read"),
        403,
        "forbidden_tenant",
      );
      for (const a of [top, nested, absent]) a.close();
    }),
);

Deno.test(
  "anonymous_read: no token reads, bad token still 401, reload still protected",
  opts,
  () =>
    withProvider(async (p) => {
      const auth = await createAuthenticator(
        config(p.issuer, { anonymous_read: true }),
      );
      assert.deepEqual(await auth.authorize(request(), "read"), { ok: true });
      refused(
        await auth.authorize(bearer("garbage"), "read"),
        401,
        "invalid_token",
      );
      refused(await auth.authorize(request(), "reload"), 401, "invalid_token");
      const reloadOnly = await p.token("acme", "datasets:reload");
      assert.equal((await auth.authorize(bearer(reloadOnly), "read")).ok, true);
      auth.close();
    }),
);

Deno.test(
  "admin_token_fallback honours X-Admin-Token for reload only when enabled",
  opts,
  () =>
    withProvider(async (p) => {
      const withFallback = await createAuthenticator(
        config(p.issuer, { admin_token_fallback: true }),
        {
          adminToken: "s3cret",
        },
      );
      assert.deepEqual(
        await withFallback.authorize(
          request({ "x-admin-token": "s3cret" }),
          "reload",
        ),
        {
          ok: true,
          subject: "admin-token",
        },
      );
      refused(
        await withFallback.authorize(
          request({ "x-admin-token": "nope" }),
          "reload",
        ),
        401,
        "unauthorized",
      );
      refused(
        await withFallback.authorize(
          request({ "x-admin-token": "s3cret" }),
          "read",
        ),
        401,
        "invalid_token",
      );
      const fallbackNoToken = await createAuthenticator(
        config(p.issuer, { admin_token_fallback: true }),
        {
          adminToken: "",
        },
      );
      refused(
        await fallbackNoToken.authorize(
          request({ "x-admin-token": "x" }),
          "reload",
        ),
        403,
        "reload_disabled",
      );
      const noFallback = await createAuthenticator(config(p.issuer), {
        adminToken: "s3cret",
      });
      refused(
        await noFallback.authorize(
          request({ "x-admin-token": "s3cret" }),
          "reload",
        ),
        401,
        "invalid_token",
      );
      for (const a of [withFallback, fallbackNoToken, noFallback]) a.close();
    }),
);

Deno.test(
  "issuer mismatch in discovery is refused at start",
  opts,
  () =>
    withProvider(async (p) => {
      await assert.rejects(
        () => createAuthenticator(config(`${p.issuer}/`)),
        /auth: cannot start: OIDC discovery .* names issuer "http:\/\/127\.0\.0\.1:\d+", not the configured/,
      );
    }),
);

Deno.test(
  "unreachable issuer: throws, or start_degraded answers 503 then recovers",
  opts,
  async () => {
    const probe = await startProvider();
    const { port, issuer } = probe;
    await probe.close();

    await assert.rejects(
      () => createAuthenticator(config(issuer)),
      /auth: cannot start: cannot load OIDC discovery/,
    );

    const auth = await createAuthenticator(
      config(issuer, { start_degraded: true }),
      { retryDelayMs: 100 },
    );
    try {
      assert.equal(auth.state, "degraded");
      assert.match(auth.lastError!, /cannot load OIDC discovery/);
      const down = refused(
        await auth.authorize(bearer("x.y.z"), "read"),
        503,
        "auth_unavailable",
      )!;
      assert.ok(
        !down.message.includes("127.0.0.1"),
        "no internal URL in client message",
      );

      const provider = await startProvider(port);
      try {
        const deadline = Date.now() + 15_000;
        const state = (): string => auth.state;
        while (state() !== "ready" && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(auth.state, "ready");
        assert.equal(
          (await auth.authorize(bearer(await provider.token("acme")), "read"))
            .ok,
          true,
        );
      } finally {
        await provider.close();
      }
    } finally {
      auth.close();
    }
  },
);
