/** Errors every stage raises; the router renders them in one place. */

/**
 * The one error type parse, validate, engines and handlers raise for a
 * client-visible failure; the router renders it as API.md's error shape.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    /** Further fields of the error object, for programs (e.g. `current_version`). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}
