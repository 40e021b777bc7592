/**
 * The explorer's queries over time: the one asked for, the answer on
 * screen, the one running (cancellable: its requests abort and the server
 * stops their work), and what the user is told. A new query's answer
 * replaces the old one only when its first page is in, so the grid never
 * goes blank; a cancelled one leaves the old answer and query in place.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { DataPressClient, DataPressHTTPError } from "../client/mod.ts";
import { type ApiErr, errOf } from "./api_error.ts";
import { formatMs } from "./format.ts";
import { isVersionChanged, RowSource } from "./row_source.ts";
import {
  emptyState,
  stateFromHash,
  stateToHash,
  toBody,
  type UiState,
} from "./state.ts";

/** An answer and the query it answers. */
interface OnScreen {
  source: RowSource;
  state: UiState;
}

interface RunOptions {
  /** Push a history entry (default) or replace the current one. */
  push?: boolean;
  /** A performance measure to take once the first rows are painted, from `${mark}:start`. */
  mark?: string;
  /** What to tell the user once it starts. */
  notice?: string;
}

interface Running {
  state: UiState;
  source: RowSource;
  ctrl: AbortController;
  startedAt: number;
}

/** The measure each query takes once its first rows are painted (e.g. `dp:sort`). */
const marks = new WeakMap<RowSource, string>();

export function useRuns(
  client: DataPressClient,
  /** Column types of a dataset, when its schema is known (filters need them). */
  typesOf: (dataset: string) => Record<string, string>,
  /** An error the server tied to a field of the body. */
  onError: (err: ApiErr) => void,
) {
  const [state, setState] = useState<UiState>(() =>
    stateFromHash(location.hash) ?? emptyState()
  );
  const [shown, setShown] = useState<OnScreen | null>(null);
  const [, setTick] = useState(0);
  const [runningSince, setRunningSince] = useState<number | null>(null);
  const [lastMs, setLastMs] = useState<number | null>(null);
  const [err, setErr] = useState<ApiErr | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // Callbacks of requests and listeners outlive renders; refs give them the latest.
  const running = useRef<Running | null>(null);
  const shownRef = useRef(shown);
  shownRef.current = shown;

  function run(s: UiState, opts: RunOptions = {}) {
    const hash = stateToHash(s);
    if (location.hash !== hash) {
      if (opts.push ?? true) history.pushState(null, "", hash);
      else history.replaceState(null, "", hash);
    }
    const previous = running.current;
    if (previous) {
      previous.ctrl.abort();
      if (previous.source !== shownRef.current?.source) previous.source.close();
    }
    setState(s);
    setErr(null);
    setNotice(opts.notice ?? null);
    const ctrl = new AbortController();
    const me: Running = {
      state: s,
      ctrl,
      startedAt: performance.now(),
      source: new RowSource(client, s.dataset, toBody(s, typesOf(s.dataset)), {
        onChange: () => {
          if (shownRef.current?.source === me.source) setTick((t) => t + 1);
          else if (running.current === me && !ctrl.signal.aborted) {
            shownRef.current?.source.close();
            const next = { source: me.source, state: s };
            shownRef.current = next;
            setShown(next);
          }
        },
        onError: (e) => pageFailed(me.source, e),
      }),
    };
    if (opts.mark) marks.set(me.source, opts.mark);
    running.current = me;
    setRunningSince(me.startedAt);
    me.source.start(ctrl.signal).then(() => {
      if (running.current !== me) return;
      running.current = null;
      setRunningSince(null);
      setLastMs(performance.now() - me.startedAt);
    }).catch((e) => {
      if (running.current !== me) return;
      running.current = null;
      setRunningSince(null);
      if (!ctrl.signal.aborted) {
        const problem = errOf(e);
        setErr(problem);
        onError(problem);
        return;
      }
      setNotice(
        `Cancelled after ${formatMs(performance.now() - me.startedAt)}`,
      );
      const back = shownRef.current;
      if (back && back.source !== me.source) {
        me.source.close();
        setState(back.state);
        history.replaceState(null, "", stateToHash(back.state));
      }
    });
  }

  function pageFailed(source: RowSource, e: unknown) {
    const now = shownRef.current;
    if (now?.source !== source) return;
    if (!isVersionChanged(e)) return setErr(errOf(e));
    const v = (e as DataPressHTTPError).payload?.error.current_version;
    run(now.state, {
      push: false,
      notice: `The dataset changed${
        v === undefined ? "" : ` to version ${v}`
      } while you scrolled: the grid was reloaded from the top.`,
    });
  }

  const runRef = useRef(run);
  runRef.current = run;
  useEffect(() => {
    const onPop = () => {
      const s = stateFromHash(location.hash);
      if (s) runRef.current(s, { push: false });
    };
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  }, []);

  // Painted means the frame after the commit that showed the rows.
  useEffect(() => {
    if (!shown) return;
    const source = shown.source;
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (performance.getEntriesByName("dp:first-rows").length === 0) {
          performance.mark("dp:first-rows");
        }
        const mark = marks.get(source);
        if (mark) {
          marks.delete(source);
          performance.measure(mark, `${mark}:start`);
        }
      })
    );
  }, [shown]);

  return {
    state,
    shown,
    runningSince,
    lastMs,
    err,
    setErr,
    notice,
    setNotice,
    run,
    /** Aborts the running query; false when none runs. */
    cancel(): boolean {
      if (!running.current) return false;
      running.current.ctrl.abort();
      return true;
    },
  };
}
