/**
 * Whole-column passes cut into slices, so the background index build
 * (load.ts) lets requests run between them. The loops stay plain functions
 * over a row range: a loop written inside a generator runs about twice as
 * slow (measured on the 20M-row index build).
 */

/** A computation that pauses between slices and returns `T`. */
export type Steps<T> = Generator<void, T, void>;

/** Rows per slice: a few milliseconds of any one pass. */
export const STEP_ROWS = 1 << 16;

/**
 * Runs `pass` over rows [0, n) a slice at a time, pausing in between;
 * stops early, with false, as soon as a slice returns false.
 */
export function* sliced(
  n: number,
  pass: (from: number, to: number) => boolean | void,
): Steps<boolean> {
  for (let from = 0; from < n; from += STEP_ROWS) {
    if (from !== 0) yield;
    if (pass(from, Math.min(n, from + STEP_ROWS)) === false) return false;
  }
  return true;
}

/** Runs `steps` to the end without pausing. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const s = steps.next();
    if (s.done) return s.value;
  }
}
