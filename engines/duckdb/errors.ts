/** DuckDB's runtime errors as the API's errors. */
import { ApiError } from "../../data/errors.ts";

/** Turns DuckDB's runtime errors (overflow, bad cast) into a safe 400. */
export async function run<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/INTERRUPT/i.test(msg)) throw e;
    const kind = /^(\w+(?: \w+)*?) Error/.exec(msg)?.[1];
    if (
      kind === "Conversion" || kind === "Out of Range" ||
      kind === "Invalid Input"
    ) {
      throw new ApiError(
        400,
        "query_failed",
        `the query could not be computed: ${
          /overflow|out of range/i.test(msg)
            ? "numeric overflow"
            : "invalid value for the column type"
        }`,
      );
    }
    throw e;
  }
}
