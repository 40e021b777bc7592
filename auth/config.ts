/**
 * The `auth` section of the config: OIDC bearer enforcement settings and
 * their validation. Invalid settings are refused at start, naming the key.
 */

/** A config value that is wrong; `key` is its dotted path, e.g. `auth.issuer`. */
export class ConfigError extends Error {
  constructor(readonly key: string, message: string) {
    super(`${key}: ${message}`);
    this.name = "ConfigError";
  }
}

/** OIDC / OAuth2 bearer enforcement; with `enabled: false` only ADMIN_TOKEN guards reload. */
export interface AuthConfig {
  enabled: boolean;
  /** Issuer URL exactly as in the discovery document and the `iss` claim. */
  issuer: string;
  /** Expected `aud`; any of several when a list. Empty = not checked. */
  audience: string | string[];
  /** Read routes need any one of these; empty = any valid token. */
  read_scopes: string[];
  /** Reload needs any one of these; empty = tokens never grant reload. */
  reload_scopes: string[];
  /** Read routes answer without a token. */
  anonymous_read: boolean;
  algorithms: string[];
  leeway_secs: number;
  jwks_refresh_secs: number;
  /** RFC 6901 JSON pointer into the claims, e.g. "/tenant_id"; null = no tenant check. */
  tenant_claim: string | null;
  allowed_tenants: string[];
  /** Reload also accepts `X-Admin-Token` equal to ADMIN_TOKEN. */
  admin_token_fallback: boolean;
  /** Boot when discovery/JWKS is unreachable; protected routes answer 503 until it loads. */
  start_degraded: boolean;
}

/** Signature algorithms a JWKS can verify; "none" and HMAC are refused on purpose. */
export const SUPPORTED_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
];

const DEFAULTS: AuthConfig = {
  enabled: false,
  issuer: "",
  audience: [],
  read_scopes: [],
  reload_scopes: [],
  anonymous_read: false,
  algorithms: ["RS256"],
  leeway_secs: 60,
  jwks_refresh_secs: 3600,
  tenant_claim: null,
  allowed_tenants: [],
  admin_token_fallback: false,
  start_degraded: false,
};

/**
 * Checks a raw `auth` object (from JSON/TOML/flags) and fills defaults;
 * `undefined` means auth disabled. Throws ConfigError naming the key.
 */
export function validateAuthConfig(raw: unknown, path = "auth"): AuthConfig {
  if (raw === undefined || raw === null) return { ...DEFAULTS };
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(path, "must be an object");
  }
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!(key in DEFAULTS)) {
      throw new ConfigError(
        `${path}.${key}`,
        `unknown key; expected one of ${Object.keys(DEFAULTS).join(", ")}`,
      );
    }
  }
  const at = (key: string) => `${path}.${key}`;
  const config: AuthConfig = {
    enabled: bool(input.enabled, at("enabled"), DEFAULTS.enabled),
    issuer: str(input.issuer, at("issuer"), ""),
    audience: typeof input.audience === "string"
      ? input.audience
      : strings(input.audience, at("audience"), []),
    read_scopes: strings(input.read_scopes, at("read_scopes"), []),
    reload_scopes: strings(input.reload_scopes, at("reload_scopes"), []),
    anonymous_read: bool(input.anonymous_read, at("anonymous_read"), false),
    algorithms: strings(
      input.algorithms,
      at("algorithms"),
      DEFAULTS.algorithms,
    ),
    leeway_secs: num(input.leeway_secs, at("leeway_secs"), 60, 0),
    jwks_refresh_secs: num(
      input.jwks_refresh_secs,
      at("jwks_refresh_secs"),
      3600,
      1,
    ),
    tenant_claim:
      input.tenant_claim === undefined || input.tenant_claim === null
        ? null
        : str(input.tenant_claim, at("tenant_claim"), ""),
    allowed_tenants: strings(input.allowed_tenants, at("allowed_tenants"), []),
    admin_token_fallback: bool(
      input.admin_token_fallback,
      at("admin_token_fallback"),
      false,
    ),
    start_degraded: bool(input.start_degraded, at("start_degraded"), false),
  };
  if (!config.enabled) return config;

  if (!config.issuer) {
    throw new ConfigError(at("issuer"), "required when auth is enabled");
  }
  let issuer: URL;
  try {
    issuer = new URL(config.issuer);
  } catch {
    throw new ConfigError(at("issuer"), `not a valid URL: "${config.issuer}"`);
  }
  if (issuer.protocol !== "https:" && issuer.protocol !== "http:") {
    throw new ConfigError(at("issuer"), "must be an http(s) URL");
  }
  if (config.algorithms.length === 0) {
    throw new ConfigError(at("algorithms"), "must list at least one algorithm");
  }
  for (const alg of config.algorithms) {
    if (!SUPPORTED_ALGORITHMS.includes(alg)) {
      throw new ConfigError(
        at("algorithms"),
        `unsupported algorithm "${alg}"; use one of ${
          SUPPORTED_ALGORITHMS.join(", ")
        }`,
      );
    }
  }
  if (config.tenant_claim !== null) {
    parseJsonPointer(config.tenant_claim, at("tenant_claim"));
    if (config.allowed_tenants.length === 0) {
      throw new ConfigError(
        at("allowed_tenants"),
        "must not be empty when tenant_claim is set",
      );
    }
  }
  return config;
}

/**
 * Splits an RFC 6901 pointer ("/a/b~1c") into unescaped tokens; throws
 * ConfigError for anything that is not a pointer.
 */
export function parseJsonPointer(pointer: string, key: string): string[] {
  if (!pointer.startsWith("/")) {
    throw new ConfigError(
      key,
      `must be a JSON pointer starting with "/", e.g. "/tenant_id"`,
    );
  }
  if (/~(?![01])/.test(pointer)) {
    throw new ConfigError(
      key,
      `"~" must be escaped as "~0" (and "/" as "~1") in a JSON pointer`,
    );
  }
  return pointer.slice(1).split("/").map((t) =>
    t.replace(/~1/g, "/").replace(/~0/g, "~")
  );
}

function bool(value: unknown, key: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new ConfigError(key, "must be true or false");
  }
  return value;
}

function str(value: unknown, key: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string") throw new ConfigError(key, "must be a string");
  return value;
}

function num(
  value: unknown,
  key: string,
  fallback: number,
  min: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new ConfigError(key, `must be a number >= ${min}`);
  }
  return value;
}

function strings(value: unknown, key: string, fallback: string[]): string[] {
  if (value === undefined) return [...fallback];
  if (
    !Array.isArray(value) ||
    !value.every((v) => typeof v === "string" && v !== "")
  ) {
    throw new ConfigError(key, "must be a list of non-empty strings");
  }
  return [...value];
}
