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
import { besideField, errOf } from "../api_error.ts";
import { BASE_URL } from "../base_url.ts";
import type { Column } from "../row_source.ts";
import { curlSnippet, queryUrl, typeScriptSnippet } from "../snippets.ts";
import {
  aggOutputName,
  emptyState,
  nextOrder,
  stateFromHash,
  type UiState,
} from "../state.ts";
import { useRuns } from "../use_runs.ts";
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
  const schemaRef = useRef(loadedSchema);
  schemaRef.current = loadedSchema;
  const [builderOpen, setBuilderOpen] = useState(false);
  const [menu, setMenu] = useState<{ column: Column; at: DOMRect } | null>(
    null,
  );
  const [profileOf, setProfileOf] = useState<Column | null>(null);
  const [detail, setDetail] = useState<CellRef | null>(null);
  const [jump, setJump] = useState<{ row: number; nonce: number } | null>(null);
  const [copied, setCopied] = useState("");

  const {
    state,
    shown,
    runningSince,
    lastMs,
    err,
    setErr,
    notice,
    setNotice,
    run,
    cancel,
  } = useRuns(
    client,
    (dataset) =>
      typesOf(
        schemaRef.current?.dataset === dataset ? schemaRef.current : null,
      ),
    // An error about a field of the body shows beside that field.
    (problem) => besideField(problem) && setBuilderOpen(true),
  );
  /** A query from the URL whose filters wait for the column types. */
  const waiting = useRef<UiState | null>(null);

  // Derived rather than cleared on a switch, so that reopening the open
  // dataset (whose schema is not fetched again) keeps it.
  const schema = loadedSchema?.dataset === state.dataset ? loadedSchema : null;
  const names = useMemo(() => (schema?.columns ?? []).map((c) => c.name), [
    schema,
  ]);
  const types = useMemo(() => typesOf(schema), [schema]);

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
      if (needToken && state.dataset) {
        // The token just unlocked the server: the query the 401 stopped runs now.
        run(state, { push: false });
      } else if (!stateFromHash(location.hash)?.dataset && d[0]) {
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

  const keys = useRef<(e: KeyboardEvent) => void>(() => {});
  keys.current = (e) => {
    if (e.key === "Escape") {
      if (cancel()) return;
      if (detail) setDetail(null);
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

  // A new query closes the column menu it came from.
  useEffect(() => setMenu(null), [state]);

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
              withToken={token !== ""}
              onError={setErr}
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
