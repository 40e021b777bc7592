/** An API error shown beside the form field its body path names. */
import { type ApiErr, under } from "../api_error.ts";

export function FieldError(
  { err, path }: { err: ApiErr | null; path: string },
) {
  if (!err?.path || !under(err.path, path)) return null;
  return <div class="field-error" data-testid="field-error">{err.message}</div>;
}
