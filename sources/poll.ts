/**
 * `reload_interval_secs`: watch a source's listing and call back when it
 * changes, without reading any data.
 */
import { fingerprintOf } from "./fingerprint.ts";
import { dirPrefix, listFiles, listParquet } from "./listing.ts";
import {
  isDeltaTable,
  locate,
  type ResolveOptions,
  type SourceSpec,
  textFormat,
} from "./resolve.ts";
import { textKind } from "./text.ts";

/**
 * A cheap fingerprint from listing and stat only. For plain parquet it
 * equals `ResolvedSource.fingerprint`; for Delta it hashes the `_delta_log/`
 * listing, which changes with every commit.
 */
export async function listingFingerprint(
  spec: SourceSpec,
  opts: ResolveOptions = {},
): Promise<string> {
  const loc = await locate(spec, opts);
  const text = textFormat(spec, loc);
  if (text) {
    return await fingerprintOf(
      (await listFiles(loc.store, loc.root, loc.label, textKind(text))).objects,
    );
  }
  if (spec.format === "delta" || await isDeltaTable(loc)) {
    const root = loc.root.replace(/(.)\/+$/, "$1");
    return await fingerprintOf(
      await loc.store.list(`${dirPrefix(root)}_delta_log/`),
    );
  }
  return await fingerprintOf(
    (await listParquet(loc.store, loc.root, loc.label)).objects,
  );
}

/**
 * Polls `spec` every `intervalSecs` and awaits `onChange(fingerprint)` when
 * its listing fingerprint differs from the previous poll (the first poll
 * sets the baseline). A failing listing counts as a fingerprint of its own,
 * so a vanished source triggers one reload attempt, which reports why.
 * Resolves when `signal` aborts.
 */
export async function watchFingerprint(
  spec: SourceSpec,
  intervalSecs: number,
  onChange: (fingerprint: string) => void | Promise<void>,
  signal: AbortSignal,
  opts: ResolveOptions = {},
): Promise<void> {
  const poll = () =>
    listingFingerprint(spec, opts).catch((e) =>
      `error: ${e instanceof Error ? e.message : String(e)}`
    );
  let last = await poll();
  while (await sleep(intervalSecs * 1000, signal)) {
    const now = await poll();
    if (signal.aborted) return;
    if (now !== last) {
      last = now;
      await onChange(now);
    }
  }
}

/** Waits `ms`; false when `signal` aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((done) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", stop);
      done(true);
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      done(false);
    };
    signal.addEventListener("abort", stop, { once: true });
  });
}
