/** Prometheus text exposition of request, dataset and reload metrics. */
const BUCKETS = [
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

function labels(obj: Record<string, string>): string {
  return Object.entries(obj).map(([k, v]) =>
    `${k}="${
      v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")
    }"`
  ).join(",");
}

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

interface Counter {
  labels: string;
  n: number;
}

/** A route's latency and its request counters by method, then status. */
interface RouteStats {
  latency: Histogram;
  counters: Map<string, Map<number, Counter>>;
}

/** What the answer cache shows (server/answer_cache.ts). */
export interface AnswerCacheStats {
  readonly hits: number;
  readonly misses: number;
  /** Read at exposition time. */
  readonly bytes: number;
  readonly budget: number;
}

export class Metrics {
  /** In order of first appearance, as exposed. */
  #requests: Counter[] = [];
  /** By route name; labels are rendered at exposition time. */
  #routes = new Map<string, RouteStats>();
  #reloads = new Map<string, number>();
  /** Streamed exports still sending (or still holding what they took). */
  openExports = 0;

  constructor(readonly answers?: AnswerCacheStats) {}

  observeRequest(
    route: string,
    method: string,
    status: number,
    seconds: number,
  ): void {
    // Label text is built once per (route, method, status), not per request.
    let stats = this.#routes.get(route);
    if (!stats) {
      stats = {
        latency: { counts: BUCKETS.map(() => 0), sum: 0, count: 0 },
        counters: new Map(),
      };
      this.#routes.set(route, stats);
    }
    let byStatus = stats.counters.get(method);
    if (!byStatus) {
      byStatus = new Map();
      stats.counters.set(method, byStatus);
    }
    let c = byStatus.get(status);
    if (!c) {
      c = { labels: labels({ route, method, status: String(status) }), n: 0 };
      byStatus.set(status, c);
      this.#requests.push(c);
    }
    c.n++;
    const h = stats.latency;
    for (let i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]!) h.counts[i]!++;
    }
    h.sum += seconds;
    h.count++;
  }

  observeReload(dataset: string, outcome: "ok" | "error"): void {
    const key = labels({ dataset, outcome });
    this.#reloads.set(key, (this.#reloads.get(key) ?? 0) + 1);
  }

  render(
    datasets: { name: string; rows: number; version: number }[],
    held: { connections: number; leases: number },
  ): string {
    const out: string[] = [];
    const gauge = (name: string, help: string, v: number) =>
      out.push(
        `# HELP ${name} ${help}`,
        `# TYPE ${name} gauge`,
        `${name} ${v}`,
      );
    gauge(
      "datapress_engine_connections_in_use",
      "Engine connections checked out by requests.",
      held.connections,
    );
    gauge(
      "datapress_dataset_leases",
      "Dataset versions held by running requests and exports.",
      held.leases,
    );
    gauge(
      "datapress_open_exports",
      "Streamed exports not yet finished.",
      this.openExports,
    );
    if (this.answers) {
      const a = this.answers;
      out.push(
        "# HELP datapress_answer_cache_hits_total Query and count answers served from the answer cache.",
        "# TYPE datapress_answer_cache_hits_total counter",
        `datapress_answer_cache_hits_total ${a.hits}`,
        "# HELP datapress_answer_cache_misses_total Query and count answers the answer cache did not hold.",
        "# TYPE datapress_answer_cache_misses_total counter",
        `datapress_answer_cache_misses_total ${a.misses}`,
      );
      gauge(
        "datapress_answer_cache_bytes",
        "Bytes held by the answer cache.",
        a.bytes,
      );
      gauge(
        "datapress_answer_cache_budget_bytes",
        "The answer cache's byte budget (cache_bytes).",
        a.budget,
      );
    }
    out.push(
      "# HELP datapress_http_requests_total HTTP requests by route, method and status.",
    );
    out.push("# TYPE datapress_http_requests_total counter");
    for (const c of this.#requests) {
      out.push(`datapress_http_requests_total{${c.labels}} ${c.n}`);
    }
    out.push(
      "# HELP datapress_http_request_duration_seconds HTTP request latency by route.",
    );
    out.push("# TYPE datapress_http_request_duration_seconds histogram");
    for (const [route, { latency: h }] of this.#routes) {
      const k = labels({ route });
      BUCKETS.forEach((b, i) =>
        out.push(
          `datapress_http_request_duration_seconds_bucket{${k},le="${b}"} ${
            h.counts[i]
          }`,
        )
      );
      out.push(
        `datapress_http_request_duration_seconds_bucket{${k},le="+Inf"} ${h.count}`,
      );
      out.push(`datapress_http_request_duration_seconds_sum{${k}} ${h.sum}`);
      out.push(
        `datapress_http_request_duration_seconds_count{${k}} ${h.count}`,
      );
    }
    out.push("# HELP datapress_dataset_rows Rows of each loaded dataset.");
    out.push("# TYPE datapress_dataset_rows gauge");
    for (const d of datasets) {
      out.push(
        `datapress_dataset_rows{${labels({ dataset: d.name })}} ${d.rows}`,
      );
    }
    out.push(
      "# HELP datapress_dataset_version Published version of each dataset.",
    );
    out.push("# TYPE datapress_dataset_version gauge");
    for (const d of datasets) {
      out.push(
        `datapress_dataset_version{${
          labels({ dataset: d.name })
        }} ${d.version}`,
      );
    }
    out.push("# HELP datapress_reloads_total Dataset reloads by outcome.");
    out.push("# TYPE datapress_reloads_total counter");
    for (const [k, v] of this.#reloads) {
      out.push(`datapress_reloads_total{${k}} ${v}`);
    }
    return out.join("\n") + "\n";
  }
}
