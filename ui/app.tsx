/** The datapress query builder: talks to the server only through DataPressClient. */
import { render } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import {
  DataPressClient,
  DataPressHTTPError,
  type DatasetInfo,
  type QueryBody,
  type QueryPage,
  type SchemaInfo,
} from "../client/mod.ts";
import { Chart } from "./chart.tsx";
import { ResultsTable } from "./table.tsx";
import {
  type AggRow,
  emptyState,
  inputType,
  opsFor,
  stateFromHash,
  stateToHash,
  toBody,
  type UiState,
} from "./state.ts";

/** The API lives where the UI is mounted (works under a prefix). */
function baseUrl(): string {
  const path = location.pathname.replace(/\/ui\/?.*$/, "").replace(/\/$/, "");
  return `${location.origin}${path}`;
}

interface ApiErr {
  message: string;
  path?: string;
}

function errOf(e: unknown): ApiErr {
  if (e instanceof DataPressHTTPError) {
    return { message: e.message, path: e.payload?.error.path };
  }
  return {
    message: `the server is unreachable (${
      e instanceof Error ? e.message : e
    })`,
  };
}

function under(errPath: string, path: string): boolean {
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
  "page_size",
];

function FieldError({ err, path }: { err: ApiErr | null; path: string }) {
  if (!err?.path || !under(err.path, path)) return null;
  return <div class="field-error" data-testid="field-error">{err.message}</div>;
}

function App() {
  const [token, setToken] = useState(
    sessionStorage.getItem("datapress-token") ?? "",
  );
  const client = useMemo(
    () => new DataPressClient(baseUrl(), { token: token || undefined }),
    [token],
  );
  const [datasets, setDatasets] = useState<DatasetInfo[] | null>(null);
  const [needToken, setNeedToken] = useState(false);
  const [schema, setSchema] = useState<SchemaInfo | null>(null);
  const [state, setState] = useState<UiState>(() =>
    stateFromHash(location.hash) ?? emptyState()
  );
  const [result, setResult] = useState<QueryPage | null>(null);
  /** The group columns of the query that produced `result`. */
  const [resultGroups, setResultGroups] = useState<string[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [elapsed, setElapsed] = useState<number | null>(null);
  const [err, setErr] = useState<ApiErr | null>(null);
  const [copied, setCopied] = useState("");

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
      if (!state.dataset && d[0]) setState({ ...emptyState(d[0].name) });
    }).catch((e) => {
      if (e instanceof DataPressHTTPError && e.status === 401) {
        setNeedToken(true);
      }
      setErr(errOf(e));
    });
  }, [client]);

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

  useEffect(() => {
    if (schema && schema.dataset === state.dataset) run(state, false);
  }, [schema]);

  async function run(s: UiState, push = true) {
    if (push && location.hash !== stateToHash(s)) {
      history.pushState(null, "", stateToHash(s));
    } else if (!push) history.replaceState(null, "", stateToHash(s));
    setState(s);
    const body = toBody(s, types);
    const t0 = performance.now();
    try {
      const [page, n] = await Promise.all([
        client.queryJson(s.dataset, body),
        client.count(s.dataset, body.predicates ?? []),
      ]);
      setElapsed(performance.now() - t0);
      setResult(page);
      setResultGroups(s.groupBy);
      setTotal(n);
      setErr(null);
    } catch (e) {
      setErr(errOf(e));
      setResult(null);
    }
  }

  runRef.current = run;
  const update = (patch: Partial<UiState>) => setState({ ...state, ...patch });
  const cols = schema?.columns ?? [];
  const body = toBody(state, types);
  const url = `${baseUrl()}/api/v1/datasets/${
    encodeURIComponent(state.dataset)
  }/query`;
  const curl = `curl -X POST '${url}' -H 'Content-Type: application/json' -d '${
    JSON.stringify(body).replaceAll("'", "'\\''")
  }'`;
  const ts =
    `import { DataPressClient } from "./client/mod.ts";\nconst dp = new DataPressClient(${
      JSON.stringify(baseUrl())
    });\nconst page = await dp.queryJson(${JSON.stringify(state.dataset)}, ${
      JSON.stringify(body, null, 2)
    });`;

  async function copy(text: string, what: string) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard access may be denied; the text is still shown for selection.
    }
    setCopied(text);
    setTimeout(() => setCopied(""), 4000);
    void what;
  }

  async function download(format: "csv" | "ndjson" | "arrow") {
    const { page: _p, page_size: _s, ...all } = body;
    const res = await fetch(`${url}?format=${format}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(format === "arrow" ? body : all),
    });
    if (!res.ok) {
      return setErr({ message: `download failed: HTTP ${res.status}` });
    }
    const a = document.createElement("a");
    a.href = URL.createObjectURL(await res.blob());
    a.download = `${state.dataset}.${format === "arrow" ? "arrows" : format}`;
    a.click();
  }

  return (
    <div class="layout">
      <aside>
        <h1>datapress</h1>
        {needToken && (
          <label class="token">
            Bearer token
            <input
              type="password"
              data-testid="token"
              value={token}
              onChange={(e) => {
                const v = (e.target as HTMLInputElement).value;
                sessionStorage.setItem("datapress-token", v);
                setToken(v);
              }}
            />
          </label>
        )}
        <h2>Datasets</h2>
        <ul class="datasets" data-testid="datasets">
          {(datasets ?? []).map((d) => (
            <li class={d.name === state.dataset ? "active" : ""}>
              <a
                href="#"
                onClick={(e) => {
                  e.preventDefault();
                  setSchema(null);
                  setResult(null);
                  run(emptyState(d.name));
                }}
              >
                {d.name}
              </a>
              <span class="muted">
                {d.rows?.toLocaleString() ?? "loading"} rows · {d.engine}
              </span>
              {d.description && <div class="muted">{d.description}</div>}
            </li>
          ))}
        </ul>
        {schema && (
          <>
            <h2>Schema</h2>
            <table class="schema" data-testid="schema">
              <tbody>
                {cols.map((c) => (
                  <tr>
                    <td>{c.name}</td>
                    <td class="muted">
                      {c.type}
                      {c.nullable ? "" : " not null"}
                    </td>
                    <td>{c.indexed ? "indexed" : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </aside>
      <main>
        {err && !err.path && (
          <div class="error" data-testid="error">{err.message}</div>
        )}
        {schema && (
          <form
            class="builder"
            onSubmit={(e) => {
              e.preventDefault();
              run({ ...state, page: 1 });
            }}
          >
            <fieldset>
              <legend>Columns</legend>
              <div class="chips">
                {cols.map((c) => (
                  <label>
                    <input
                      type="checkbox"
                      checked={state.columns.includes(c.name)}
                      onChange={(e) =>
                        update({
                          columns: (e.target as HTMLInputElement).checked
                            ? [...state.columns, c.name]
                            : state.columns.filter((x) => x !== c.name),
                        })}
                    />
                    {c.name}
                  </label>
                ))}
              </div>
              <label>
                <input
                  type="checkbox"
                  checked={state.distinct}
                  onChange={(e) =>
                    update({
                      distinct: (e.target as HTMLInputElement).checked,
                    })}
                />
                distinct
              </label>
              <FieldError err={err} path="columns" />
            </fieldset>
            <fieldset>
              <legend>Filters</legend>
              {state.predicates.map((p, i) => {
                const type = types[p.col] ?? "string";
                const set = (patch: Partial<typeof p>) =>
                  update({
                    predicates: state.predicates.map((x, j) =>
                      j === i ? { ...x, ...patch } : x
                    ),
                  });
                return (
                  <div class="row" data-testid="predicate">
                    <select
                      value={p.col}
                      onChange={(e) =>
                        set({ col: (e.target as HTMLSelectElement).value })}
                    >
                      {cols.map((c) => (
                        <option value={c.name}>{c.name}</option>
                      ))}
                    </select>
                    <select
                      value={p.op}
                      onChange={(e) =>
                        set({
                          op: (e.target as HTMLSelectElement)
                            .value as typeof p.op,
                        })}
                    >
                      {opsFor(type).map((o) => (
                        <option key={o} value={o}>{o}</option>
                      ))}
                    </select>
                    {p.op !== "is_null" && p.op !== "is_not_null" && (
                      type === "bool" && p.op !== "in"
                        ? (
                          <select
                            value={p.val}
                            onChange={(e) =>
                              set({
                                val: (e.target as HTMLSelectElement).value,
                              })}
                          >
                            <option value="true">true</option>
                            <option value="false">false</option>
                          </select>
                        )
                        : (
                          <input
                            {
                              // Preact types `type` per literal; this one is chosen at run time.
                              ...{
                                type: p.op === "in" ? "text" : inputType(type),
                              } as { type: "text" }
                            }
                            step="any"
                            placeholder={p.op === "in" ? "a, b, c" : type}
                            value={p.val}
                            onInput={(e) =>
                              set({
                                val: (e.target as HTMLInputElement).value,
                              })}
                          />
                        )
                    )}
                    <button
                      type="button"
                      onClick={() =>
                        update({
                          predicates: state.predicates.filter((_, j) =>
                            j !== i
                          ),
                        })}
                    >
                      ×
                    </button>
                    <FieldError err={err} path={`predicates[${i}]`} />
                  </div>
                );
              })}
              <button
                type="button"
                data-testid="add-filter"
                onClick={() =>
                  update({
                    predicates: [...state.predicates, {
                      col: cols[0]!.name,
                      op: "eq",
                      val: "",
                    }],
                  })}
              >
                + filter
              </button>
            </fieldset>
            <fieldset>
              <legend>Order</legend>
              {state.orderBy.map((o, i) => (
                <div class="row" data-testid="order">
                  <select
                    value={o.col}
                    onChange={(e) =>
                      update({
                        orderBy: state.orderBy.map((x, j) =>
                          j === i
                            ? {
                              ...x,
                              col: (e.target as HTMLSelectElement).value,
                            }
                            : x
                        ),
                      })}
                  >
                    {[
                      ...cols.map((c) => c.name),
                      ...state.aggregations.map((a) =>
                        a.alias || (a.col ? `${a.op}_${a.col}` : a.op)
                      ),
                    ].map((n) => <option key={n} value={n}>{n}</option>)}
                  </select>
                  <select
                    value={o.dir}
                    onChange={(e) =>
                      update({
                        orderBy: state.orderBy.map((x, j) =>
                          j === i
                            ? {
                              ...x,
                              dir: (e.target as HTMLSelectElement).value as
                                | "asc"
                                | "desc",
                            }
                            : x
                        ),
                      })}
                  >
                    <option value="asc">asc</option>
                    <option value="desc">desc</option>
                  </select>
                  <button
                    type="button"
                    onClick={() =>
                      update({
                        orderBy: state.orderBy.filter((_, j) => j !== i),
                      })}
                  >
                    ×
                  </button>
                  <FieldError err={err} path={`order_by[${i}]`} />
                </div>
              ))}
              <button
                type="button"
                data-testid="add-order"
                onClick={() =>
                  update({
                    orderBy: [...state.orderBy, {
                      col: cols[0]!.name,
                      dir: "asc",
                    }],
                  })}
              >
                + order
              </button>
            </fieldset>
            <fieldset>
              <legend>Group</legend>
              <div class="chips">
                {cols.map((c) => (
                  <label>
                    <input
                      type="checkbox"
                      data-testid={`group-${c.name}`}
                      checked={state.groupBy.includes(c.name)}
                      onChange={(e) =>
                        update({
                          groupBy: (e.target as HTMLInputElement).checked
                            ? [...state.groupBy, c.name]
                            : state.groupBy.filter((x) => x !== c.name),
                        })}
                    />
                    {c.name}
                  </label>
                ))}
              </div>
              {state.aggregations.map((a, i) => {
                const set = (patch: Partial<AggRow>) =>
                  update({
                    aggregations: state.aggregations.map((x, j) =>
                      j === i ? { ...x, ...patch } : x
                    ),
                  });
                return (
                  <div class="row" data-testid="aggregation">
                    <select
                      value={a.op}
                      onChange={(e) =>
                        set({
                          op: (e.target as HTMLSelectElement)
                            .value as AggRow["op"],
                        })}
                    >
                      {["count", "sum", "avg", "min", "max"].map((o) => (
                        <option value={o}>{o}</option>
                      ))}
                    </select>
                    <select
                      value={a.col}
                      onChange={(e) =>
                        set({ col: (e.target as HTMLSelectElement).value })}
                    >
                      <option value="">(rows)</option>
                      {cols.map((c) => (
                        <option value={c.name}>{c.name}</option>
                      ))}
                    </select>
                    <input
                      placeholder="alias"
                      value={a.alias}
                      onInput={(e) =>
                        set({ alias: (e.target as HTMLInputElement).value })}
                    />
                    <button
                      type="button"
                      onClick={() =>
                        update({
                          aggregations: state.aggregations.filter((_, j) =>
                            j !== i
                          ),
                        })}
                    >
                      ×
                    </button>
                    <FieldError err={err} path={`aggregations[${i}]`} />
                  </div>
                );
              })}
              <button
                type="button"
                data-testid="add-agg"
                onClick={() =>
                  update({
                    aggregations: [...state.aggregations, {
                      op: "count",
                      col: "",
                      alias: "",
                    }],
                  })}
              >
                + aggregation
              </button>
              <FieldError err={err} path="aggregations" />
              <FieldError err={err} path="group_by" />
            </fieldset>
            <div class="row">
              <label>
                limit{" "}
                <input
                  type="number"
                  min="0"
                  value={state.limit}
                  onInput={(e) =>
                    update({ limit: (e.target as HTMLInputElement).value })}
                />
              </label>
              <label>
                page size{" "}
                <input
                  type="number"
                  min="1"
                  value={state.pageSize}
                  onInput={(e) =>
                    update({
                      pageSize: Number((e.target as HTMLInputElement).value) ||
                        1,
                    })}
                />
              </label>
              <button type="submit" class="primary" data-testid="run">
                Run query
              </button>
            </div>
            <FieldError err={err} path="limit" />
            <FieldError err={err} path="page_size" />
          </form>
        )}
        {err?.path && !FIELD_PATHS.some((p) => under(err.path!, p)) && (
          <div class="error" data-testid="error">{err.message}</div>
        )}
        {result && (
          <section>
            <div class="toolbar">
              <span data-testid="summary">
                {result.returned} rows on page {result.page}
                {total !== null && ` · ${total.toLocaleString()} matching rows`}
                {elapsed !== null && ` · ${elapsed.toFixed(0)} ms`}
              </span>
              <button
                type="button"
                data-testid="prev"
                disabled={state.page <= 1}
                onClick={() => run({ ...state, page: state.page - 1 })}
              >
                ◀ prev
              </button>
              <button
                type="button"
                data-testid="next"
                disabled={!result.has_more}
                onClick={() => run({ ...state, page: state.page + 1 })}
              >
                next ▶
              </button>
              <button type="button" onClick={() => copy(curl, "curl")}>
                copy as curl
              </button>
              <button type="button" onClick={() => copy(ts, "TypeScript")}>
                copy as TypeScript
              </button>
              <button type="button" onClick={() => download("csv")}>CSV</button>
              <button type="button" onClick={() => download("ndjson")}>
                NDJSON
              </button>
              <button type="button" onClick={() => download("arrow")}>
                Arrow
              </button>
            </div>
            {copied && <pre class="copied">{copied}</pre>}
            {resultGroups.length > 0 &&
              result.columns.length > resultGroups.length && (
              <Chart page={result} groups={resultGroups} />
            )}
            <ResultsTable page={result} />
          </section>
        )}
      </main>
    </div>
  );
}

render(<App />, document.getElementById("app")!);

export type { QueryBody };
