/**
 * Long work cut into slices, with requests let through in between: the
 * background index build (load.ts) and exports (engine.ts). The loops stay
 * plain functions over a row range: a loop written inside a generator runs
 * about twice as slow (measured on the 20M-row index build).
 */
import { setImmediate } from "node:timers";

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

/**
 * Lets I/O and other requests run before going on. `setTimeout(0)` would
 * wait 1–4 ms once timers nest (2,124 ms for 1,000 calls, against 6 ms).
 */
export function pause(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** Runs `steps` to the end without pausing. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const s = steps.next();
    if (s.done) return s.value;
  }
}
