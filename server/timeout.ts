/**
 * The request timeout: a handler's response, or a 504 once
 * `request_timeout_ms` passes, with the request's signal aborted so the
 * engine work stops. One shared timer serves every request (deadlines.ts).
 */
import { ApiError } from "../data/errors.ts";
import { Deadlines } from "./deadlines.ts";

export type Timed = (
  work: Promise<Response>,
  abort: AbortController,
  started: number,
) => Promise<Response>;

/** A wrapper bounding each request by `timeoutMs` (0 = no bound). */
export function requestTimeout(timeoutMs: number): Timed {
  if (timeoutMs <= 0) return (work) => work;
  const deadlines = new Deadlines(timeoutMs);
  return (work, abort, started) =>
    new Promise<Response>((resolve, reject) => {
      let expired = false;
      const deadline = deadlines.add(started + timeoutMs, () => {
        expired = true;
        const e = new ApiError(
          504,
          "timeout",
          `the request took longer than request_timeout_ms (${timeoutMs} ms) and was cancelled`,
        );
        abort.abort(e);
        reject(e);
      });
      work.then((v) => {
        deadlines.cancel(deadline);
        // A response that lost the race is never sent: cancelling its body
        // frees whatever a streamed answer holds.
        if (expired) v.body?.cancel().catch(() => {});
        else resolve(v);
      }, (e) => {
        deadlines.cancel(deadline);
        reject(e);
      });
    });
}
