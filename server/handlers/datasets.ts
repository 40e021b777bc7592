/** GET /api/v1/datasets and GET /api/v1/datasets/{name}/schema. */
import { encodeJsonValue } from "../../encode/json.ts";
import { ApiError } from "../../data/errors.ts";
import { typeName } from "../../data/type_name.ts";
import type { Context, Handler } from "../context.ts";
import { json, VARY } from "../http.ts";

export const listDatasets: Handler = (ctx) => {
  const datasets = [...ctx.registry.entries.values()].map((e) => {
    const p = e.current;
    return {
      name: e.config.name,
      description: e.config.description,
      format: p?.ds.source.format ?? e.config.format ?? "parquet",
      engine: ctx.engine.name,
      // What answers now: DuckDB's view or native table, or memory.
      storage: p ? ctx.engine.storage(p.ds) : null,
      // Still building what makes it faster (table, indexes).
      building: p ? ctx.engine.building(p.ds) : null,
      rows: p?.ds.rows ?? null,
      columns: p?.ds.schema.fields.length ?? null,
      version: p?.version ?? null,
      // The Delta table version read (null for plain parquet), as KV records it.
      source_version: p?.ds.source.sourceVersion ?? null,
      loaded_at: p?.loadedAt ?? null,
    };
  });
  return Promise.resolve(json({ datasets }));
};

export function notFound(name: string): ApiError {
  return new ApiError(
    404,
    "dataset_not_found",
    `no dataset named ${JSON.stringify(name.slice(0, 200))}`,
  );
}

export const schema: Handler = async (ctx: Context, _req, params, signal) => {
  const answer = await ctx.registry.use(params.name!, async (p) => {
    const ds = p.ds;
    const sampleBatch = ds.rows > 0
      ? await ctx.engine.query(ds, {
        kind: "rows",
        columns: ds.schema.fields.map((f) => f.name),
        filters: [],
        aggregations: [],
        orderBy: [],
        offset: 0,
        take: 1,
        page: 1,
        pageSize: 1,
        output: ds.schema.fields,
      }, signal)
      : null;
    const sample = sampleBatch && sampleBatch.length > 0
      ? `{${
        sampleBatch.columns.map((c) =>
          `${JSON.stringify(c.field.name)}:${encodeJsonValue(c, 0)}`
        ).join(",")
      }}`
      : "null";
    const columns = JSON.stringify(ds.schema.fields.map((f) => ({
      name: f.name,
      type: typeName(f.type),
      nullable: f.nullable,
      indexed: ds.indexed.has(f.name),
    })));
    return new Response(
      `{"dataset":${
        JSON.stringify(ds.name)
      },"columns":${columns},"sample":${sample},"rows":${ds.rows},"version":${p.version}}`,
      { headers: { "content-type": "application/json", vary: VARY } },
    );
  });
  if (!answer) throw notFound(params.name!);
  return answer;
};
