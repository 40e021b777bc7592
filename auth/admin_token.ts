/** The ADMIN_TOKEN rule for reload, shared by the auth-disabled and fallback paths. */

const encoder = new TextEncoder();

/**
 * Compares two strings in time that depends only on their lengths, not on
 * where they differ, so a caller cannot guess a token byte by byte.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const length = Math.max(x.length, y.length);
  let diff = x.length ^ y.length;
  for (let i = 0; i < length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** Outcome of checking `X-Admin-Token` against ADMIN_TOKEN. */
export type AdminTokenCheck = "ok" | "disabled" | "missing" | "wrong";

/** Checks the request's X-Admin-Token against `adminToken` (unset/empty = reload disabled). */
export function checkAdminToken(
  req: Request,
  adminToken: string | undefined,
): AdminTokenCheck {
  if (!adminToken) return "disabled";
  const given = req.headers.get("x-admin-token");
  if (given === null || given === "") return "missing";
  return constantTimeEqual(given, adminToken) ? "ok" : "wrong";
}
