/**
 * A real OIDC provider (oidc-provider) on 127.0.0.1 that issues JWT access
 * tokens through the client_credentials grant with a resource indicator.
 */
import { createServer, type Server } from "node:http";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";

export const AUDIENCE = "https://api.datapress.test";
export const SCOPES = "datasets:read datasets:reload";

/** Client id → tenant put in the token's `tenant_id` claim (plus `org.tenant`). */
const TENANTS: Record<string, string> = {
  acme: "acme",
  evil: "evil",
  short: "acme",
};

export interface LocalProvider {
  issuer: string;
  port: number;
  /** An access token for `client` (acme, evil, short = 1 s lifetime) with `scope`. */
  token(client: string, scope?: string): Promise<string>;
  /**
   * Publishes a new signing key (kid `key-N`) in front of the old ones, as
   * a provider does when it rotates: later tokens are signed with it, and
   * tokens of the old keys stay valid. Returns the new kid.
   */
  rotate(): Promise<string>;
  /** How many times the JWKS endpoint has been fetched. */
  readonly jwksFetches: number;
  close(): Promise<void>;
}

type Jwk = Awaited<ReturnType<typeof exportJWK>>;

async function signingKey(kid: string): Promise<Jwk> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: "RS256", use: "sig" };
}

/** Starts the provider; `port` 0 picks a free one. */
export async function startProvider(port = 0): Promise<LocalProvider> {
  const keys = [await signingKey("test-key")];
  let handler: ((req: unknown, res: unknown) => void) | null = null;
  let jwksFetches = 0;
  const server: Server = createServer((req, res) => {
    if (new URL(req.url ?? "/", "http://x").pathname === "/jwks") jwksFetches++;
    handler!(req, res);
  });
  await new Promise<void>((resolve) =>
    server.listen(port, "127.0.0.1", resolve)
  );
  const actualPort = (server.address() as { port: number }).port;
  const issuer = `http://127.0.0.1:${actualPort}`;
  // oidc-provider reads its keys once, so a rotation swaps in a new instance.
  handler = issuerFor(issuer, keys).callback();
  return {
    issuer,
    port: actualPort,
    get jwksFetches() {
      return jwksFetches;
    },
    async rotate() {
      const kid = `key-${keys.length + 1}`;
      keys.unshift(await signingKey(kid));
      handler = issuerFor(issuer, keys).callback();
      return kid;
    },
    async token(client, scope = SCOPES) {
      const response = await fetch(`${issuer}/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${btoa(`${client}:${client}-secret`)}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          scope,
          resource: AUDIENCE,
        }),
      });
      const body = await response.json();
      if (!response.ok) {
        throw new Error(`token request failed: ${JSON.stringify(body)}`);
      }
      return body.access_token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An oidc-provider for `issuer` signing with `keys[0]`. */
function issuerFor(issuer: string, keys: Jwk[]): Provider {
  return new Provider(issuer, {
    jwks: { keys },
    clients: Object.keys(TENANTS).map((id) => ({
      client_id: id,
      client_secret: `${id}-secret`,
      grant_types: ["client_credentials"],
      redirect_uris: [],
      response_types: [],
    })),
    scopes: ["openid", ...SCOPES.split(" ")],
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (
          _ctx: unknown,
          _resource: string,
          client: { clientId: string },
        ) => ({
          scope: SCOPES,
          audience: AUDIENCE,
          accessTokenFormat: "jwt",
          accessTokenTTL: client.clientId === "short" ? 1 : 300,
          jwt: { sign: { alg: "RS256" } },
        }),
      },
    },
    extraTokenClaims: (_ctx: unknown, token: { clientId?: string }) => {
      const tenant = TENANTS[token.clientId ?? ""];
      return tenant ? { tenant_id: tenant, org: { tenant } } : undefined;
    },
  });
}
