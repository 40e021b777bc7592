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
