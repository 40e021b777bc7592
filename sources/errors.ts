/**
 * A source that cannot be read. `message` is safe to show to HTTP clients
 * (dataset name and paths relative to the source root only); `detail` may
 * hold absolute paths and goes to logs only.
 */
export class SourceError extends Error {
  constructor(message: string, readonly detail?: string) {
    super(message);
    this.name = "SourceError";
  }
}

/** `cannot read source of dataset "NAME": WHY`, the one phrasing of source failures. */
export function sourceError(
  dataset: string,
  why: string,
  detail?: string,
): SourceError {
  return new SourceError(
    `cannot read source of dataset "${dataset}": ${why}`,
    detail,
  );
}
