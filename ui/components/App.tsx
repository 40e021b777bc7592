/**
 * The data explorer: the dataset sidebar beside a grid of the answer, with
 * sorting, filters and grouping from the headers, chips for what is
 * applied, and the full builder one click away. It talks to the server
 * only through DataPressClient, and keeps the query in the URL so that
 * back, forward and shared links replay it.
 */
import {
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "preact/hooks";
import {
  DataPressClient,
  DataPressHTTPError,
  type DatasetInfo,
  type SchemaInfo,
} from "../../client/mod.ts";
import { type ApiErr, besideField, errOf } from "../api_error.ts";
import { BASE_URL } from "../base_url.ts";
import { formatMs } from "../format.ts";
import { type Column, isVersionChanged, RowSource } from "../row_source.ts";
import { curlSnippet, queryUrl, typeScriptSnippet } from "../snippets.ts";
import {
  aggOutputName,
  emptyState,
  nextOrder,
  stateFromHash,
  stateToHash,
  toBody,
  type UiState,
} from "../state.ts";
import { BuilderPanel } from "./BuilderPanel.tsx";
import { CellDetail } from "./CellDetail.tsx";
import { ExportMenu } from "./ExportMenu.tsx";
import { FilterChips } from "./FilterChips.tsx";
import { type CellRef, Grid } from "./Grid.tsx";
import { GroupChart } from "./GroupChart.tsx";
import { HeaderMenu } from "./HeaderMenu.tsx";
import { ProfilePanel } from "./ProfilePanel.tsx";
import { RunStatus } from "./RunStatus.tsx";
import { Sidebar } from "./Sidebar.tsx";
import { StatusBar } from "./StatusBar.tsx";
import { TokenInput } from "./TokenInput.tsx";
import { TopBar } from "./TopBar.tsx";

const TOKEN_KEY = "datapress-token";
/** How long copied code stays on screen. */
const COPIED_MS = 4000;

/** A query on its way: cancelling aborts its requests, and the server stops their work. */
interface Running {
  state: UiState;
  source: RowSource;
  ctrl: AbortController;
  startedAt: number;
}

/** The measure each query takes once its first rows are painted (e.g. `dp:sort`). */
const marks = new WeakMap<RowSource, string>();

function typesOf(schema: SchemaInfo | null): Record<string, string> {
  return Object.fromEntries(
    (schema?.columns ?? []).map((c) => [c.name, c.type]),
  );
}

export function App() {
  const [token, setToken] = useState(sessionStorage.getItem(TOKEN_KEY) ?? "");
  const client = useMemo(
    () => new DataPressClient(BASE_URL, { token: token || undefined }),
    [token],
  );
  const [datasets, setDatasets] = useState<DatasetInfo[]>([]);
  const [needToken, setNeedToken] = useState(false);
  const [loadedSchema, setSchema] = useState<SchemaInfo | null>(null);
  const [state, setState] = useState<UiState>(() =>
    stateFromHash(location.hash) ?? emptyState()
  );
  /** The answer on screen and the query it answers. */
  const [shown, setShown] = useState<
    { source: RowSource; state: UiState } | null
  >(
    null,
  );
  const [, setTick] = useState(0);
  const [runningSince, setRunningSince] = useState<number | null>(null);
  const [lastMs, setLastMs] = useState<number | null>(null);
  const [err, setErr] = useState<ApiErr | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [builderOpen, setBuilderOpen] = useState(false);
  const [menu, setMenu] = useState<{ column: Column; at: DOMRect } | null>(
    null,
  );
  const [profileOf, setProfileOf] = useState<Column | null>(null);
  const [detail, setDetail] = useState<CellRef | null>(null);
  const [jump, setJump] = useState<{ row: number; nonce: number } | null>(null);
  const [copied, setCopied] = useState("");

  // Callbacks of requests and listeners outlive renders; refs give them the latest.
  const running = useRef<Running | null>(null);
  const shownRef = useRef(shown);
  shownRef.current = shown;
  const schemaRef = useRef(loadedSchema);
  schemaRef.current = loadedSchema;
  /** A query from the URL whose filters wait for the column types. */
  const waiting = useRef<UiState | null>(null);

  // Derived rather than cleared on a switch, so that reopening the open
  // dataset (whose schema is not fetched again) keeps it.
  const schema = loadedSchema?.dataset === state.dataset ? loadedSchema : null;
  const names = useMemo(() => (schema?.columns ?? []).map((c) => c.name), [
    schema,
  ]);
  const types = useMemo(() => typesOf(schema), [schema]);

  function run(
    s: UiState,
    opts: { push?: boolean; mark?: string; notice?: string } = {},
  ) {
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
    setMenu(null);
    const sch = schemaRef.current;
    const ctrl = new AbortController();
    const me: Running = {
      state: s,
      ctrl,
      startedAt: performance.now(),
      source: new RowSource(
        client,
        s.dataset,
        toBody(s, sch?.dataset === s.dataset ? typesOf(sch) : {}),
        {
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
        },
      ),
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
      if (ctrl.signal.aborted) {
        setNotice(
          `Cancelled after ${formatMs(performance.now() - me.startedAt)}`,
        );
        const back = shownRef.current;
        if (back && back.source !== me.source) {
          me.source.close();
          setState(back.state);
          history.replaceState(null, "", stateToHash(back.state));
        }
        return;
      }
      const problem = errOf(e);
      setErr(problem);
      if (besideField(problem)) setBuilderOpen(true);
    });
  }

  function pageFailed(source: RowSource, e: unknown) {
    const now = shownRef.current;
    if (now?.source !== source) return;
    if (isVersionChanged(e)) {
      const v = (e as DataPressHTTPError).payload?.error.current_version;
      run(now.state, {
        push: false,
        notice: `The dataset changed${
          v === undefined ? "" : ` to version ${v}`
        } while you scrolled: the grid was reloaded from the top.`,
      });
    } else setErr(errOf(e));
  }

  function cancel() {
    running.current?.ctrl.abort();
  }

  // First load: the URL's query, else the first dataset. Layout effects
  // run right after the first render, not a frame later: the first rows
  // come sooner.
  useLayoutEffect(() => {
    const s = stateFromHash(location.hash);
    if (s?.dataset && s.predicates.length > 0) waiting.current = s;
    else if (s?.dataset) run(s, { push: false });
  }, []);

  useLayoutEffect(() => {
    client.datasetInfo().then((d) => {
      setDatasets(d);
      setNeedToken(false);
      if (!stateFromHash(location.hash)?.dataset && d[0]) {
        run(emptyState(d[0].name), { push: false });
      }
    }).catch((e) => {
      if (e instanceof DataPressHTTPError && e.status === 401) {
        setNeedToken(true);
      }
      setErr(errOf(e));
    });
  }, [client]);

  useEffect(() => {
    if (!state.dataset || schema) return;
    client.schema(state.dataset).then((sch) => {
      schemaRef.current = sch;
      setSchema(sch);
      if (waiting.current?.dataset === sch.dataset) {
        const s = waiting.current;
        waiting.current = null;
        run(s, { push: false });
      }
    }).catch((e) => setErr(errOf(e)));
  }, [client, state.dataset]);

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

  const runRef = useRef(run);
  runRef.current = run;
  const keys = useRef<(e: KeyboardEvent) => void>(() => {});
  keys.current = (e) => {
    if (e.key === "Escape") {
      if (running.current) cancel();
      else if (detail) setDetail(null);
      else if (menu) setMenu(null);
      else if (profileOf) setProfileOf(null);
    } else if (e.key === "Enter" && !e.defaultPrevented) {
      // Enter in a form submits it; on the page or the grid it runs again.
      const t = e.target as HTMLElement;
      if (t === document.body || t.classList.contains("grid")) run(state);
    }
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => keys.current(e);
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  async function copy(text: string, show: boolean) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard access may be denied; the text is still shown for selection.
    }
    if (show) {
      setCopied(text);
      setTimeout(() => setCopied(""), COPIED_MS);
    }
  }

  const update = (patch: Partial<UiState>) => run({ ...state, ...patch });
  const grouped = (shown?.state.groupBy.length ?? 0) > 0;
  const columns = shown?.source.columns ?? [];
  const shownBody = shown ? shown.source.body : {};
  const visible = state.columns.length > 0 ? state.columns : names;

  return (
    <div class="layout">
      <Sidebar
        datasets={datasets}
        active={state.dataset}
        schema={schema}
        onOpen={(name) => {
          setProfileOf(null);
          run(emptyState(name));
        }}
        onProfile={setProfileOf}
      >
        {needToken && (
          <TokenInput
            token={token}
            onChange={(t) => {
              sessionStorage.setItem(TOKEN_KEY, t);
              setToken(t);
            }}
          />
        )}
      </Sidebar>
      <main class="explorer">
        <TopBar
          dataset={state.dataset}
          builderOpen={builderOpen}
          onToggleBuilder={() => setBuilderOpen(!builderOpen)}
          status={
            <RunStatus
              startedAt={runningSince}
              lastMs={lastMs}
              onCancel={cancel}
            />
          }
          exports={shown && (
            <ExportMenu
              client={client}
              dataset={shown.state.dataset}
              body={shownBody}
              onCopy={(as) =>
                copy(
                  as === "curl"
                    ? curlSnippet(
                      queryUrl(BASE_URL, shown.state.dataset),
                      shownBody,
                    )
                    : typeScriptSnippet(
                      BASE_URL,
                      shown.state.dataset,
                      shownBody,
                    ),
                  true,
                )}
            />
          )}
        >
          <FilterChips
            state={state}
            hidden={state.columns.length > 0
              ? names.filter((n) => !state.columns.includes(n)).length
              : 0}
            onChange={update}
          />
        </TopBar>
        {builderOpen && schema && (
          <BuilderPanel
            state={state}
            names={names}
            types={types}
            err={err}
            onRun={(s) => run(s)}
          />
        )}
        {notice && (
          <div class="notice" data-testid="notice" role="status">
            {notice}
            <button type="button" class="link" onClick={() => setNotice(null)}>
              ×
            </button>
          </div>
        )}
        {err && !(builderOpen && besideField(err)) && (
          <div class="error" data-testid="error">{err.message}</div>
        )}
        {copied && <pre class="copied" data-testid="copied">{copied}</pre>}
        {grouped && shown && (
          <GroupChart
            client={client}
            dataset={shown.state.dataset}
            body={shownBody}
            groups={columns.filter((c) => shown.state.groupBy.includes(c.name))}
            measures={shown.state.aggregations.map(aggOutputName)}
          />
        )}
        <Grid
          source={shown?.source ?? null}
          columns={columns}
          orderBy={state.orderBy}
          stale={runningSince !== null}
          jump={jump}
          onSort={(col, add) => {
            performance.mark("dp:sort:start");
            run({ ...state, orderBy: nextOrder(state.orderBy, col, add) }, {
              mark: "dp:sort",
            });
          }}
          hasMenu={(c) => !grouped || shown!.state.groupBy.includes(c.name)}
          onMenu={(column, at) => setMenu({ column, at })}
          onDetail={setDetail}
        />
        <StatusBar
          total={shown?.source.total ?? 0}
          exact={shown?.source.exact ?? true}
          version={shown?.source.version ?? null}
          onJump={(row) => setJump({ row: row - 1, nonce: Math.random() })}
        />
      </main>
      {menu && (
        <HeaderMenu
          column={menu.column}
          at={menu.at}
          grouped={grouped}
          onClose={() => setMenu(null)}
          onFilter={(p) => update({ predicates: [...state.predicates, p] })}
          onGroup={() =>
            update({
              groupBy: [menu.column.name],
              aggregations: [{ op: "count", col: "", alias: "" }],
              orderBy: [],
              columns: [],
              distinct: false,
            })}
          onHide={() => {
            const rest = visible.filter((c) => c !== menu.column.name);
            if (rest.length === 0) return setMenu(null);
            update({
              columns: rest,
              orderBy: state.orderBy.filter((o) => o.col !== menu.column.name),
            });
          }}
          onProfile={() => {
            setProfileOf(menu.column);
            setMenu(null);
          }}
        />
      )}
      {profileOf && (
        <ProfilePanel
          client={client}
          dataset={state.dataset}
          column={profileOf}
          onClose={() => setProfileOf(null)}
        />
      )}
      {detail && (
        <CellDetail
          cell={detail}
          onCopy={(text) => copy(text, false)}
          onClose={() => setDetail(null)}
        />
      )}
    </div>
  );
}
