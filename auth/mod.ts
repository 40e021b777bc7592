/**
 * Request authorization: bearer JWTs (scopes, tenant) when auth is enabled,
 * the ADMIN_TOKEN rule for reload otherwise. The router calls `authorize`
 * on every protected route and renders a refusal as the API error shape,
 * with `WWW-Authenticate` when given.
 */
import type { JWTPayload } from "jose";
import { checkAdminToken } from "./admin_token.ts";
import { type AuthConfig, parseJsonPointer } from "./config.ts";
import { IssuerUnavailableError, TokenError } from "./errors.ts";
import { loadVerifier, type TokenVerifier } from "./oidc.ts";

export { constantTimeEqual } from "./admin_token.ts";
export { type AuthConfig, ConfigError, validateAuthConfig } from "./config.ts";

/** What a route needs: read routes (datasets, schema, query, count) or reload. */
export type AuthNeed = "read" | "reload";

export type AuthDecision =
  | { ok: true; subject?: string }
  | {
    ok: false;
    status: 401 | 403 | 503;
    code: string;
    message: string;
    /** Value for the `WWW-Authenticate` response header. */
    wwwAuthenticate?: string;
  };

export interface Authenticator {
  authorize(req: Request, need: AuthNeed): Promise<AuthDecision>;
  /** "degraded" while start_degraded waits for the issuer. */
  readonly state: "ready" | "degraded";
  /** Why the issuer was last unusable (for logs, may hold URLs; never sent to clients). */
  readonly lastError: string | null;
  /** Stops the background retry; call on shutdown. */
  close(): void;
}

export interface AuthenticatorOptions {
  /** ADMIN_TOKEN; defaults to the environment variable. Empty = unset. */
  adminToken?: string;
  /** First delay of the degraded-mode retry loop (doubles up to 30 s). */
  retryDelayMs?: number;
  /** Least time between JWKS refetches caused by unknown key ids (default 30 s). */
  jwksCooldownMs?: number;
}

const MAX_RETRY_MS = 30_000;

/**
 * Builds the authenticator. With auth enabled it discovers the issuer and
 * loads its JWKS first; when that fails it throws, unless `start_degraded`,
 * in which case it answers 503 on protected routes and keeps retrying in
 * the background until `close()`.
 */
export async function createAuthenticator(
  config: AuthConfig,
  opts: AuthenticatorOptions = {},
): Promise<Authenticator> {
  const adminToken = opts.adminToken ?? envAdminToken();
  if (!config.enabled) {
    return {
      state: "ready",
      lastError: null,
      authorize: (req, need) =>
        Promise.resolve(
          need === "read" ? { ok: true } : adminTokenDecision(req, adminToken),
        ),
      close() {},
    };
  }

  let verifier: TokenVerifier | null = null;
  let lastError: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  try {
    verifier = await loadVerifier(config, opts.jwksCooldownMs);
  } catch (e) {
    if (!config.start_degraded) {
      throw new Error(
        `auth: cannot start: ${
          (e as Error).message
        } (set auth.start_degraded to boot anyway)`,
      );
    }
    lastError = (e as Error).message;
    const retry = (delay: number) => {
      timer = setTimeout(async () => {
        try {
          const loaded = await loadVerifier(config, opts.jwksCooldownMs);
          if (!closed) verifier = loaded;
        } catch (e) {
          lastError = (e as Error).message;
          if (!closed) retry(Math.min(delay * 2, MAX_RETRY_MS));
        }
      }, delay);
    };
    retry(opts.retryDelayMs ?? 1000);
  }
  const tenantPath = config.tenant_claim === null
    ? null
    : parseJsonPointer(config.tenant_claim, "auth.tenant_claim");

  return {
    get state() {
      return verifier ? "ready" : "degraded";
    },
    get lastError() {
      return lastError;
    },
    close() {
      closed = true;
      clearTimeout(timer);
    },
    async authorize(req, need) {
      if (
        need === "reload" && config.admin_token_fallback &&
        req.headers.has("x-admin-token")
      ) {
        return adminTokenDecision(req, adminToken);
      }
      const token = bearerToken(req);
      if (token === null && need === "read" && config.anonymous_read) {
        return { ok: true };
      }
      if (verifier === null) {
        return refuse(
          503,
          "auth_unavailable",
          "authentication is temporarily unavailable: the identity provider cannot be reached",
        );
      }
      if (token === null) {
        return invalidToken(
          "missing bearer token (send Authorization: Bearer <token>)",
        );
      }
      if (token === "") {
        return invalidToken(
          "malformed Authorization header: expected Bearer <token>",
        );
      }
      let claims: JWTPayload;
      try {
        claims = await verifier.verify(token);
      } catch (e) {
        if (e instanceof TokenError) return invalidToken(e.message);
        lastError = e instanceof IssuerUnavailableError ? e.message : String(e);
        return refuse(
          503,
          "auth_unavailable",
          "authentication is temporarily unavailable: token keys cannot be loaded",
        );
      }
      const scopeRefusal = checkScopes(claims, need, config);
      if (scopeRefusal) return scopeRefusal;
      if (
        tenantPath && !tenantAllowed(claims, tenantPath, config.allowed_tenants)
      ) {
        return insufficient(
          "forbidden_tenant",
          "the token's tenant is not allowed on this server",
        );
      }
      return {
        ok: true,
        subject: typeof claims.sub === "string" ? claims.sub : undefined,
      };
    },
  };
}

/** The reload rule without bearer auth: X-Admin-Token must equal ADMIN_TOKEN. */
function adminTokenDecision(
  req: Request,
  adminToken: string | undefined,
): AuthDecision {
  switch (checkAdminToken(req, adminToken)) {
    case "ok":
      return { ok: true, subject: "admin-token" };
    case "disabled":
      return refuse(
        403,
        "reload_disabled",
        "reload is disabled: set ADMIN_TOKEN to enable it, then send it as X-Admin-Token",
      );
    case "missing":
      return refuse(
        401,
        "unauthorized",
        "reload needs the X-Admin-Token header",
      );
    case "wrong":
      return refuse(401, "unauthorized", "invalid X-Admin-Token");
  }
}

/** The token of `Authorization: Bearer <token>`; null when absent, "" when malformed. */
function bearerToken(req: Request): string | null {
  const header = req.headers.get("authorization");
  if (header === null) return null;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match ? match[1]! : "";
}

function checkScopes(
  claims: JWTPayload,
  need: AuthNeed,
  config: AuthConfig,
): AuthDecision | null {
  if (need === "read" && config.anonymous_read) return null;
  const required = need === "read" ? config.read_scopes : config.reload_scopes;
  if (required.length === 0) {
    return need === "read" ? null : insufficient(
      "insufficient_scope",
      "reload is not granted by tokens on this server (auth.reload_scopes is empty)",
    );
  }
  const granted = grantedScopes(claims);
  if (required.some((s) => granted.has(s))) return null;
  return insufficient(
    "insufficient_scope",
    `the token lacks the scope to ${need}: needs one of ${required.join(", ")}`,
    required,
  );
}

/** Scopes from `scope` (space-separated) and `scp` (array or string). */
function grantedScopes(claims: JWTPayload): Set<string> {
  const granted = new Set<string>();
  for (const value of [claims.scope, claims.scp]) {
    const list = typeof value === "string"
      ? value.split(" ")
      : Array.isArray(value)
      ? value
      : [];
    for (const s of list) if (typeof s === "string" && s) granted.add(s);
  }
  return granted;
}

function tenantAllowed(
  claims: JWTPayload,
  path: string[],
  allowed: string[],
): boolean {
  let value: unknown = claims;
  for (const token of path) {
    if (
      value === null || typeof value !== "object" ||
      !Object.hasOwn(value, token)
    ) return false;
    value = (value as Record<string, unknown>)[token];
  }
  const tenant = typeof value === "string"
    ? value
    : typeof value === "number"
    ? String(value)
    : null;
  return tenant !== null && allowed.includes(tenant);
}

function invalidToken(description: string): AuthDecision {
  return {
    ok: false,
    status: 401,
    code: "invalid_token",
    message: `authentication failed: ${description}`,
    wwwAuthenticate: `Bearer error="invalid_token", error_description="${
      headerSafe(description)
    }"`,
  };
}

function insufficient(
  code: string,
  message: string,
  scopes?: string[],
): AuthDecision {
  const scope = scopes ? `, scope="${headerSafe(scopes.join(" "))}"` : "";
  return {
    ok: false,
    status: 403,
    code,
    message,
    wwwAuthenticate: `Bearer error="insufficient_scope", error_description="${
      headerSafe(message)
    }"${scope}`,
  };
}

function refuse(
  status: 401 | 403 | 503,
  code: string,
  message: string,
): AuthDecision {
  return { ok: false, status, code, message };
}

/** RFC 6750 quoted strings may not hold `"` or `\`. */
function headerSafe(text: string): string {
  return text.replace(/["\\]/g, "'");
}

function envAdminToken(): string | undefined {
  try {
    return Deno.env.get("ADMIN_TOKEN");
  } catch {
    return undefined;
  }
}
