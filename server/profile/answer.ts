/** A column profile as API.md's JSON answer, values written as query answers write them. */
import { columnJson } from "../../encode/columns.ts";
import { typeName } from "../../data/type_name.ts";
import type { ColumnVector } from "../../data/types.ts";
import type { ColumnProfile } from "./profile.ts";

function one(c: ColumnVector | null): string {
  return c ? columnJson(c, 1)[0]! : "null";
}

export function profileJson(
  dataset: string,
  version: number,
  p: ColumnProfile,
): string {
  const values = columnJson(p.top.values, p.top.length);
  const counts = columnJson(p.top.counts, p.top.length);
  const top = values.map((v, i) => `{"value":${v},"count":${counts[i]}}`);
  let histogram = "null";
  if (p.histogram) {
    const { bounds, counts } = p.histogram;
    const b = columnJson(bounds, counts.length * 2);
    histogram = `[${
      counts.map((n, k) =>
        `{"lo":${b[2 * k]},"hi":${b[2 * k + 1]},"count":${n}}`
      )
        .join(",")
    }]`;
  }
  return `{"dataset":${JSON.stringify(dataset)},"version":${version},"column":${
    JSON.stringify(p.field.name)
  },"type":${
    JSON.stringify(typeName(p.field.type))
  },"rows":${p.rows},"nulls":${p.nulls},"distinct_approx":${p.distinctApprox},"min":${
    one(p.min)
  },"max":${one(p.max)},"top":[${top.join(",")}],"histogram":${histogram}}`;
}
