/** The JSON page envelope of API.md. */
import { typeName } from "../data/type_name.ts";
import type { Field, ResultBatch } from "../data/types.ts";
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

const utf8 = new TextEncoder();

// `{"name":…,"type":…}` per field, encoded once: fields live as long as
// their dataset's schema (or the plan, for computed columns).
const columnCache = new WeakMap<Field, Uint8Array>();

function columnBytes(f: Field): Uint8Array {
  let b = columnCache.get(f);
  if (!b) {
    b = utf8.encode(
      `{"name":${JSON.stringify(f.name)},"type":${
        JSON.stringify(typeName(f.type))
      }}`,
    );
    columnCache.set(f, b);
  }
  return b;
}

/** `{"dataset","version","columns","rows","page","page_size","returned","has_more"}` as UTF-8. */
export function encodeJsonPage(meta: PageMeta, batch: ResultBatch): Uint8Array {
  const w = new ByteWriter();
  w.ascii(`{"dataset":`);
  w.jsonString(meta.dataset);
  w.ascii(`,"version":${meta.version},"columns":[`);
  batch.columns.forEach((c, k) => {
    if (k > 0) w.byte(0x2c);
    w.bytes(columnBytes(c.field));
  });
  w.ascii(`],"rows":[`);
  writeRows(w, batch, 0x2c);
  w.ascii(
    `],"page":${meta.page},"page_size":${meta.pageSize},"returned":${batch.length},"has_more":${meta.hasMore}}`,
  );
  return w.result();
}
