/** Requests and decision checks shared by the authenticator tests. */
import assert from "node:assert/strict";
import type { AuthDecision } from "../../auth/mod.ts";

export function request(headers: Record<string, string> = {}): Request {
  return new Request("http://localhost/api/v1/datasets", { headers });
}

export function bearer(token: string): Request {
  return request({ authorization: `Bearer ${token}` });
}

/** Asserts a refusal with `status` and `code`; returns it for more checks. */
export function refused(decision: AuthDecision, status: number, code: string) {
  assert.equal(
    decision.ok,
    false,
    `expected a refusal, got ${JSON.stringify(decision)}`,
  );
  if (decision.ok) return;
  assert.equal(decision.status, status, decision.message);
  assert.equal(decision.code, code, decision.message);
  return decision;
}
