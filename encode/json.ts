/** The JSON page envelope of API.md. */
import { typeName } from "../query/type_name.ts";
import type { ResultBatch } from "../query/types.ts";
import { ByteWriter } from "./bytes.ts";
import { writeRows } from "./rows.ts";

export { encodeJsonValue } from "./columns.ts";

export interface PageMeta {
  dataset: string;
  version: number;
  page: number;
  pageSize: number;
  hasMore: boolean;
}

/** `{"dataset","version","columns","rows","page","page_size","returned","has_more"}` as UTF-8. */
export function encodeJsonPage(meta: PageMeta, batch: ResultBatch): Uint8Array {
  const columns = batch.columns.map((c) =>
    `{"name":${JSON.stringify(c.field.name)},"type":${
      JSON.stringify(typeName(c.field.type))
    }}`
  ).join(",");
  const w = new ByteWriter();
  w.text(
    `{"dataset":${
      JSON.stringify(meta.dataset)
    },"version":${meta.version},"columns":[${columns}],"rows":[`,
  );
  writeRows(w, batch, 0x2c);
  w.ascii(
    `],"page":${meta.page},"page_size":${meta.pageSize},"returned":${batch.length},"has_more":${meta.hasMore}}`,
  );
  return w.result();
}
