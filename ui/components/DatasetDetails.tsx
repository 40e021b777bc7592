/** The open dataset's facts: description, rows, columns, version, engine, format. */
import type { DatasetInfo } from "../../client/mod.ts";
import { formatCount } from "../format.ts";

export function DatasetDetails({ info }: { info: DatasetInfo }) {
  return (
    <section class="dataset-details" data-testid="dataset-details">
      <h2>{info.name}</h2>
      {info.description && <p>{info.description}</p>}
      <dl>
        <dt>rows</dt>
        <dd>{info.rows === null ? "loading" : formatCount(info.rows)}</dd>
        <dt>columns</dt>
        <dd>{info.columns ?? "–"}</dd>
        <dt>version</dt>
        <dd data-testid="dataset-version">{info.version ?? "–"}</dd>
        <dt>engine</dt>
        <dd data-testid="dataset-engine">{info.engine}</dd>
        <dt>format</dt>
        <dd>{info.format}</dd>
        {info.loaded_at && (
          <>
            <dt>loaded</dt>
            <dd>
              {info.loaded_at.replace("T", " ").replace(/\.\d+Z$/, " UTC")}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
