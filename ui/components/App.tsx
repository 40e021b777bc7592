/**
 * The query builder: the dataset list and schema beside the form and its
 * results. It talks to the server only through DataPressClient, and keeps
 * the query in the URL so that back, forward and shared links replay it.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import {
  DataPressClient,
  DataPressHTTPError,
  type DatasetInfo,
  type SchemaInfo,
} from "../../client/mod.ts";
import type { Answer } from "../answer.ts";
import { type ApiErr, besideField, errOf } from "../api_error.ts";
import { BASE_URL } from "../base_url.ts";
import {
  emptyState,
  stateFromHash,
  stateToHash,
  toBody,
  type UiState,
} from "../state.ts";
import { DatasetList } from "./DatasetList.tsx";
import { QueryForm } from "./QueryForm.tsx";
import { ResultsView } from "./ResultsView.tsx";
import { SchemaPanel } from "./SchemaPanel.tsx";
import { TokenInput } from "./TokenInput.tsx";

const TOKEN_KEY = "datapress-token";

export function App() {
  const [token, setToken] = useState(sessionStorage.getItem(TOKEN_KEY) ?? "");
  const client = useMemo(
    () => new DataPressClient(BASE_URL, { token: token || undefined }),
    [token],
  );
  const [datasets, setDatasets] = useState<DatasetInfo[] | null>(null);
  const [needToken, setNeedToken] = useState(false);
  const [loadedSchema, setSchema] = useState<SchemaInfo | null>(null);
  const [state, setState] = useState<UiState>(() =>
    stateFromHash(location.hash) ?? emptyState()
  );
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [err, setErr] = useState<ApiErr | null>(null);

  // Derived rather than cleared on a switch, so that reopening the open
  // dataset (whose schema is not fetched again) keeps it.
  const schema = loadedSchema?.dataset === state.dataset ? loadedSchema : null;
  const names = useMemo(
    () => (schema?.columns ?? []).map((c) => c.name),
    [schema],
  );
  const types = useMemo(
    () =>
      Object.fromEntries((schema?.columns ?? []).map((c) => [c.name, c.type])),
    [schema],
  );

  useEffect(() => {
    client.datasetInfo().then((d) => {
      setDatasets(d);
      setNeedToken(false);
      setErr(null);
      if (!state.dataset && d[0]) setState(emptyState(d[0].name));
    }).catch((e) => {
      if (e instanceof DataPressHTTPError && e.status === 401) {
        setNeedToken(true);
      }
      setErr(errOf(e));
    });
  }, [client]);

  // The listener outlives renders; the ref gives it the latest `run`.
  const runRef = useRef<(s: UiState, push?: boolean) => void>(() => {});
  useEffect(() => {
    const onPop = () => {
      const s = stateFromHash(location.hash);
      if (s) runRef.current(s, false);
    };
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  }, []);

  useEffect(() => {
    if (!state.dataset) return;
    client.schema(state.dataset).then(setSchema).catch((e) => setErr(errOf(e)));
  }, [client, state.dataset]);

  // A query typed before the schema arrived (e.g. from the URL) runs once
  // its column types are known.
  useEffect(() => {
    if (schema) run(state, false);
  }, [loadedSchema]);

  async function run(s: UiState, push = true) {
    if (push && location.hash !== stateToHash(s)) {
      history.pushState(null, "", stateToHash(s));
    } else if (!push) history.replaceState(null, "", stateToHash(s));
    setState(s);
    const body = toBody(s, types);
    const t0 = performance.now();
    try {
      const [page, total] = await Promise.all([
        client.queryJson(s.dataset, body),
        client.count(s.dataset, body.predicates ?? []),
      ]);
      setAnswer({
        page,
        groups: s.groupBy,
        total,
        elapsedMs: performance.now() - t0,
      });
      setErr(null);
    } catch (e) {
      setErr(errOf(e));
      setAnswer(null);
    }
  }
  runRef.current = run;

  const update = (patch: Partial<UiState>) => setState({ ...state, ...patch });

  return (
    <div class="layout">
      <aside>
        <h1>datapress</h1>
        {needToken && (
          <TokenInput
            token={token}
            onChange={(t) => {
              sessionStorage.setItem(TOKEN_KEY, t);
              setToken(t);
            }}
          />
        )}
        <h2>Datasets</h2>
        <DatasetList
          datasets={datasets ?? []}
          active={state.dataset}
          onOpen={(name) => {
            setAnswer(null);
            run(emptyState(name));
          }}
        />
        {schema && (
          <>
            <h2>Schema</h2>
            <SchemaPanel schema={schema} />
          </>
        )}
      </aside>
      <main>
        {err && !err.path && (
          <div class="error" data-testid="error">{err.message}</div>
        )}
        {schema && (
          <QueryForm
            state={state}
            update={update}
            names={names}
            types={types}
            err={err}
            onRun={() => run({ ...state, page: 1 })}
          />
        )}
        {err?.path && !besideField(err) && (
          <div class="error" data-testid="error">{err.message}</div>
        )}
        {answer && (
          <ResultsView
            answer={answer}
            page={state.page}
            dataset={state.dataset}
            body={toBody(state, types)}
            token={token}
            onPage={(page) => run({ ...state, page })}
            onError={setErr}
          />
        )}
      </main>
    </div>
  );
}
