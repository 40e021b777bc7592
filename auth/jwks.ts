/**
 * The issuer's key set (JWKS), kept in memory. It is refetched when older
 * than `refreshMs`, and at once when a token names a key it does not hold,
 * because that is how a key rotation looks from here. Those unknown-key
 * refetches are limited to one per `cooldownMs`, since anyone can send a
 * token with a made-up key id.
 *
 * Unlike jose's createRemoteJWKSet, the cooldown runs from the last
 * unknown-key refetch, not from the last fetch of any kind: a key rotated in
 * just after start-up or after a periodic refresh is picked up by the first
 * token that uses it, not up to a cooldown later. And a refetch that fails
 * still counts, so an unreachable JWKS cannot be hammered either.
 */
import {
  createLocalJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from "jose";
import { IssuerUnavailableError } from "./errors.ts";

export interface KeySetOptions {
  /** Age after which the keys are refetched before use (jwks_refresh_secs). */
  refreshMs: number;
  /** Least time between two refetches caused by unknown key ids. */
  cooldownMs: number;
  /** Limit on one JWKS request. */
  timeoutMs: number;
}

export interface RemoteKeySet {
  /** Fetches the keys now (sharing a fetch already under way). */
  load(): Promise<void>;
  /** The key for a token's header, for jose's jwtVerify. */
  getKey: JWTVerifyGetKey;
}

/** The key set served at `uri`, fetched on first use or by `load()`. */
export function remoteKeySet(uri: URL, opts: KeySetOptions): RemoteKeySet {
  let local: JWTVerifyGetKey | null = null;
  let loadedAt = -Infinity;
  let lastRefetch = -Infinity;
  let pending: Promise<void> | null = null;

  const load = (): Promise<void> => {
    pending ??= fetchKeySet(uri, opts.timeoutMs).then((keys) => {
      local = keys;
      loadedAt = Date.now();
    }).finally(() => {
      pending = null;
    });
    return pending;
  };

  /** Whether an unknown key id may fetch the keys again (joining a fetch under way is free). */
  const mayRefetch = (): boolean => {
    if (pending) return true;
    if (Date.now() - lastRefetch < opts.cooldownMs) return false;
    lastRefetch = Date.now();
    return true;
  };

  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (Date.now() - loadedAt >= opts.refreshMs) await load();
    try {
      return await local!(header, token);
    } catch (e) {
      if (!(e instanceof errors.JWKSNoMatchingKey) || !mayRefetch()) throw e;
      await load();
      return local!(header, token);
    }
  };

  return { load, getKey };
}

/** GETs the JWKS; every failure is an IssuerUnavailableError naming the URL. */
async function fetchKeySet(
  uri: URL,
  timeoutMs: number,
): Promise<JWTVerifyGetKey> {
  let body: unknown;
  try {
    const response = await fetch(uri, {
      headers: { accept: "application/jwk-set+json, application/json" },
      // A jwks_uri that redirects elsewhere is not followed to another host's keys.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status}`);
    }
    body = await response.json();
  } catch (e) {
    throw new IssuerUnavailableError(
      `cannot load JWKS ${uri}: ${(e as Error).message}`,
    );
  }
  try {
    return createLocalJWKSet(body as JSONWebKeySet);
  } catch (e) {
    throw new IssuerUnavailableError(
      `JWKS ${uri} is not a valid key set: ${(e as Error).message}`,
    );
  }
}
