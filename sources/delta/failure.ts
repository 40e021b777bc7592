/** The one way this folder reports a problem: a SourceError naming the table. */
import { SourceError } from "../errors.ts";

/**
 * A SourceError for table `name`. `detail` must be safe to show a client:
 * paths relative to the table root, never absolute local paths.
 */
export function deltaError(name: string, detail: string): SourceError {
  return new SourceError(`cannot read Delta table "${name}": ${detail}`);
}

/**
 * A malformed or unsupported log detail found by a module that does not
 * know the table's name; `resolveDelta` turns it into a SourceError.
 */
export class DeltaFormatError extends Error {
  override name = "DeltaFormatError";
}
