/** API errors as the form shows them: beside the field their body path names, else on their own. */
import { DataPressHTTPError } from "../client/mod.ts";

export interface ApiErr {
  message: string;
  /** The request body path the server blames, e.g. `predicates[1].val`. */
  path?: string;
}

export function errOf(e: unknown): ApiErr {
  if (e instanceof DataPressHTTPError) {
    return { message: e.message, path: e.payload?.error.path };
  }
  return {
    message: `the server is unreachable (${
      e instanceof Error ? e.message : e
    })`,
  };
}

/** Whether `errPath` is `path` or lies inside it. */
export function under(errPath: string, path: string): boolean {
  return errPath === path || errPath.startsWith(path + ".") ||
    errPath.startsWith(path + "[");
}

/** Body paths that have a field in the form to show their error beside. */
const FIELD_PATHS = [
  "columns",
  "predicates",
  "order_by",
  "aggregations",
  "group_by",
  "limit",
];

/** Whether the form shows this error beside one of its fields. */
export function besideField(err: ApiErr): boolean {
  return err.path !== undefined && FIELD_PATHS.some((p) => under(err.path!, p));
}
