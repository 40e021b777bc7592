/**
 * The issuer side of bearer auth: discovery and JWT verification (jose)
 * against the issuer's key set (jwks.ts). Knows nothing about routes or
 * scopes.
 */
import { errors, type JWTPayload, jwtVerify } from "jose";
import type { AuthConfig } from "./config.ts";
import { IssuerUnavailableError, TokenError } from "./errors.ts";
import { remoteKeySet } from "./jwks.ts";

const FETCH_TIMEOUT_MS = 5000;

/** jose's default: a token with an unknown key id refetches the JWKS at most this often. */
const JWKS_COOLDOWN_MS = 30_000;

/** Verifies access tokens of one issuer. */
export interface TokenVerifier {
  /** The claims of a valid token; throws TokenError or IssuerUnavailableError. */
  verify(token: string): Promise<JWTPayload>;
}

/** The discovery URL for `issuer` (a trailing slash is not doubled). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
}

/**
 * Fetches the discovery document and returns its `jwks_uri`; throws
 * IssuerUnavailableError when unreachable or when its `issuer` differs
 * from the configured one.
 */
export async function discoverJwksUri(issuer: string): Promise<URL> {
  const url = discoveryUrl(issuer);
  let doc: { issuer?: unknown; jwks_uri?: unknown };
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status}`);
    }
    doc = await response.json();
  } catch (e) {
    throw new IssuerUnavailableError(
      `cannot load OIDC discovery ${url}: ${(e as Error).message}`,
    );
  }
  if (doc.issuer !== issuer) {
    throw new IssuerUnavailableError(
      `OIDC discovery ${url} names issuer ${JSON.stringify(doc.issuer)}, ` +
        `not the configured "${issuer}"; set auth.issuer exactly as the provider spells it`,
    );
  }
  if (typeof doc.jwks_uri !== "string") {
    throw new IssuerUnavailableError(`OIDC discovery ${url} has no jwks_uri`);
  }
  try {
    return new URL(doc.jwks_uri);
  } catch {
    throw new IssuerUnavailableError(
      `OIDC discovery ${url} has an invalid jwks_uri`,
    );
  }
}

/**
 * Discovers the issuer, loads its JWKS once (so an unreachable provider
 * fails here, not on the first request) and returns a verifier. The key
 * set is refetched after `jwks_refresh_secs`, and at once when a token
 * names an unknown key id, at most once per `jwksCooldownMs`.
 */
export async function loadVerifier(
  config: AuthConfig,
  jwksCooldownMs = JWKS_COOLDOWN_MS,
): Promise<TokenVerifier> {
  const jwksUri = await discoverJwksUri(config.issuer);
  const keys = remoteKeySet(jwksUri, {
    refreshMs: config.jwks_refresh_secs * 1000,
    cooldownMs: jwksCooldownMs,
    timeoutMs: FETCH_TIMEOUT_MS,
  });
  await keys.load();
  const audience = typeof config.audience === "string"
    ? config.audience
    : config.audience.length > 0
    ? config.audience
    : undefined;
  return {
    async verify(token: string): Promise<JWTPayload> {
      try {
        const { payload } = await jwtVerify(token, keys.getKey, {
          issuer: config.issuer,
          audience,
          algorithms: config.algorithms,
          clockTolerance: config.leeway_secs,
        });
        return payload;
      } catch (e) {
        throw classify(e);
      }
    },
  };
}

/** Maps jose failures to "bad token" or "issuer unavailable". */
function classify(e: unknown): Error {
  if (e instanceof IssuerUnavailableError) return e;
  if (!(e instanceof errors.JOSEError)) {
    return new IssuerUnavailableError(
      `cannot verify tokens: ${(e as Error).message}`,
    );
  }
  if (e instanceof errors.JWTExpired) return new TokenError("token expired");
  if (e instanceof errors.JWTClaimValidationFailed) {
    return new TokenError(`token rejected: ${e.message}`);
  }
  if (e instanceof errors.JWKSNoMatchingKey) {
    return new TokenError("token signed with an unknown key");
  }
  if (e instanceof errors.JWSSignatureVerificationFailed) {
    return new TokenError("token signature is not valid");
  }
  if (e instanceof errors.JOSEAlgNotAllowed) {
    return new TokenError("token signed with an algorithm that is not allowed");
  }
  return new TokenError("token is malformed");
}
