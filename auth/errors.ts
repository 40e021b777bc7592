/** Why a token could not be verified: the token's fault or the issuer's. */

/** The token itself is bad (signature, expiry, audience, format): a 401. */
export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenError";
  }
}

/** The issuer or its keys cannot be reached or read: a 503, not the client's fault. */
export class IssuerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IssuerUnavailableError";
  }
}
