/** The errors a DataPressClient call throws, and how a paged read recognises a replaced version. */

export interface ErrorPayload {
  error: {
    status: number;
    code: string;
    message: string;
    path?: string;
    /** With code `version_changed`: the version the server serves now. */
    current_version?: number;
  };
}

/** A non-2xx answer; `payload` is the server's JSON error when it sent one. */
export class DataPressHTTPError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly payload: ErrorPayload | null,
  ) {
    super(payload?.error.message ?? `HTTP ${status}: ${body.slice(0, 200)}`);
    this.name = "DataPressHTTPError";
  }
}

/**
 * A paged read (`queryAll`, `collectAll`) was pinned to `version`, and the
 * server no longer serves it: a reload happened between two pages and the
 * server kept the old version no longer (or could not afford to). Read
 * again from page 1, or pass `{ onVersionChange: "restart" }`.
 */
export class DataPressVersionChangedError extends DataPressHTTPError {
  constructor(
    readonly dataset: string,
    readonly version: number,
    cause: DataPressHTTPError,
  ) {
    super(cause.status, cause.body, cause.payload);
    this.name = "DataPressVersionChangedError";
    const now = this.currentVersion;
    this.message = `dataset "${dataset}" changed from version ${version}${
      now === undefined ? "" : ` to ${now}`
    } while its pages were read; read again from page 1`;
  }

  /** The version the server serves now, when it said so. */
  get currentVersion(): number | undefined {
    return this.payload?.error.current_version;
  }
}

/** True for the 409 a pinned request gets once its version is gone. */
export function isVersionChanged(e: unknown): e is DataPressHTTPError {
  return e instanceof DataPressHTTPError && e.status === 409 &&
    e.payload?.error.code === "version_changed";
}
