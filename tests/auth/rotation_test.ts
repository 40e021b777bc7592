/**
 * Key rotation against a real oidc-provider: a key published in the JWKS
 * is usable by the first token signed with it, and tokens with made-up key
 * ids cannot make the server fetch the JWKS more than once per cooldown.
 * JWKS fetches are counted at the provider.
 */
import assert from "node:assert/strict";
import { generateKeyPair, SignJWT } from "jose";
import {
  type AuthDecision,
  type Authenticator,
  createAuthenticator,
  validateAuthConfig,
} from "../../auth/mod.ts";
import { AUDIENCE, type LocalProvider, startProvider } from "./_provider.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

function bearer(token: string): Request {
  return new Request("http://localhost/api/v1/datasets", {
    headers: { authorization: `Bearer ${token}` },
  });
}

async function withAuth(
  jwksCooldownMs: number | undefined,
  fn: (p: LocalProvider, auth: Authenticator) => Promise<void>,
) {
  const provider = await startProvider();
  const config = validateAuthConfig({
    enabled: true,
    issuer: provider.issuer,
    audience: AUDIENCE,
    read_scopes: ["datasets:read"],
  });
  const auth = await createAuthenticator(config, {
    adminToken: "",
    jwksCooldownMs,
  });
  try {
    await fn(provider, auth);
  } finally {
    auth.close();
    await provider.close();
  }
}

function kidOf(token: string): string {
  const header = token.split(".")[0]!.replaceAll("-", "+").replaceAll("_", "/");
  return JSON.parse(atob(header)).kid;
}

function assertUnknownKey(decision: AuthDecision) {
  assert.equal(decision.ok, false, "a made-up key id was accepted");
  if (decision.ok) return;
  assert.equal(decision.status, 401, decision.message);
  assert.match(decision.message, /token signed with an unknown key/);
}

/** `count` valid-looking tokens for the issuer, each naming a random key id. */
async function unknownKidTokens(
  issuer: string,
  count: number,
): Promise<string[]> {
  const { privateKey } = await generateKeyPair("RS256");
  return Promise.all(
    Array.from({ length: count }, () =>
      new SignJWT({ scope: "datasets:read" })
        .setProtectedHeader({ alg: "RS256", kid: crypto.randomUUID() })
        .setIssuer(issuer).setAudience(AUDIENCE).setSubject("acme")
        .setIssuedAt().setExpirationTime("5m")
        .sign(privateKey)),
  );
}

/** Sends every token at once; each must be refused as an unknown key. */
async function flood(auth: Authenticator, tokens: string[]) {
  const decisions = await Promise.all(
    tokens.map((t) => auth.authorize(bearer(t), "read")),
  );
  decisions.forEach(assertUnknownKey);
}

Deno.test(
  "a key rotated into the JWKS is accepted at once, with the default cooldown",
  opts,
  () =>
    withAuth(undefined, async (p, auth) => {
      const before = await p.token("acme");
      assert.equal((await auth.authorize(bearer(before), "read")).ok, true);
      assert.equal(p.jwksFetches, 1, "one JWKS fetch at start");

      // Seconds after the start-up fetch, well inside a 30 s cooldown.
      const kid = await p.rotate();
      const after = await p.token("acme");
      assert.equal(kidOf(after), kid, "the provider signs with the new key");
      // Concurrent requests with the new key all wait for the one refetch.
      const decisions = await Promise.all(
        Array.from({ length: 5 }, () => auth.authorize(bearer(after), "read")),
      );
      for (const d of decisions) {
        assert.deepEqual(d, { ok: true, subject: "acme" });
      }
      assert.equal(
        p.jwksFetches,
        2,
        "the unknown key id fetched the JWKS once",
      );

      // Both keys are now held: neither token fetches again.
      assert.equal((await auth.authorize(bearer(before), "read")).ok, true);
      assert.equal((await auth.authorize(bearer(after), "read")).ok, true);
      assert.equal(p.jwksFetches, 2);
    }),
);

Deno.test(
  "unknown key ids fetch the JWKS at most once per cooldown; concurrent ones share the fetch",
  opts,
  () => {
    // Long enough for three floods of 50 verifications on a loaded CI machine.
    const cooldownMs = 5000;
    return withAuth(cooldownMs, async (p, auth) => {
      const tokens = await unknownKidTokens(p.issuer, 50);
      assert.equal(p.jwksFetches, 1);

      const started = Date.now();
      await flood(auth, tokens);
      assert.equal(p.jwksFetches, 2, "50 concurrent unknown kids, one fetch");
      await flood(auth, tokens);
      await flood(auth, await unknownKidTokens(p.issuer, 50));
      assert.ok(
        Date.now() - started < cooldownMs,
        "the floods took longer than the cooldown; the count below would prove nothing",
      );
      assert.equal(p.jwksFetches, 2, "no fetch within the cooldown");

      // A key rotated in during the cooldown waits for it to end: the price
      // of the limit. After it, the first token of the new key fetches.
      await p.rotate();
      const rotated = await p.token("acme");
      assertUnknownKey(await auth.authorize(bearer(rotated), "read"));
      assert.equal(p.jwksFetches, 2);
      await new Promise((r) =>
        setTimeout(r, cooldownMs - (Date.now() - started) + 100)
      );
      const [accepted] = await Promise.all([
        auth.authorize(bearer(rotated), "read"),
        flood(auth, tokens),
      ]);
      assert.equal(accepted.ok, true, JSON.stringify(accepted));
      assert.equal(p.jwksFetches, 3, "one fetch for the next cooldown");
    });
  },
);

Deno.test(
  "a refetch that fails answers 503 and still counts against the cooldown",
  opts,
  () =>
    withAuth(60_000, async (p, auth) => {
      const [first, second] = await unknownKidTokens(p.issuer, 2);
      await p.close();
      const down = await auth.authorize(bearer(first!), "read");
      assert.equal(down.ok, false);
      if (down.ok) return;
      assert.equal(down.status, 503, down.message);
      assert.equal(down.code, "auth_unavailable");
      assert.match(auth.lastError!, /cannot load JWKS http:\/\/127\.0\.0\.1/);
      // No second attempt at the unreachable JWKS within the cooldown.
      assertUnknownKey(await auth.authorize(bearer(second!), "read"));
    }),
);
