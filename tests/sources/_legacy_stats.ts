/**
 * Parquet files as old writers made them: hyparquet-writer writes the data,
 * then each column chunk's statistics are replaced by the deprecated
 * `min`/`max` fields computed with Java's signed byte comparison (what
 * parquet-mr < 1.10 did for byte arrays, PARQUET-686) or as signed
 * integers (for unsigned columns), and `created_by` names that writer.
 */
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { SchemaElement } from "hyparquet";

export interface LegacyColumn {
  element: SchemaElement;
  data: (string | number | null)[];
}

/** Writes `columns` as row groups of `groupRows` rows to `path`. */
export async function writeLegacyStats(
  path: string,
  columns: LegacyColumn[],
  groupRows: number,
  createdBy =
    "parquet-mr version 1.9.0 (build 38262e2c80015d0935dad20f8e18f2d6f9fbd03c)",
): Promise<void> {
  const writer = new ByteWriter();
  const rows = columns[0]!.data.length;
  const schema: SchemaElement[] = [
    { name: "root", num_children: columns.length },
    ...columns.map((c) => c.element),
  ];
  const pq = new ParquetWriter({ writer, schema, createdBy });
  pq.write({
    columnData: columns.map((c) => ({ name: c.element.name, data: c.data })),
    rowGroupSize: groupRows,
  });
  pq.row_groups.forEach((group, g) => {
    group.columns.forEach((chunk, c) => {
      const values = columns[c]!.data
        .slice(g * groupRows, Math.min(rows, (g + 1) * groupRows))
        .filter((v) => v !== null);
      const sorted = values.sort(signedOrder(columns[c]!.element));
      chunk.meta_data!.statistics = {
        null_count: chunk.meta_data!.statistics?.null_count,
        min: sorted[0]!,
        max: sorted.at(-1)!,
      };
    });
  });
  pq.finish();
  await Deno.writeFile(path, new Uint8Array(writer.getBuffer()));
}

function signedOrder(e: SchemaElement) {
  if (e.type === "BYTE_ARRAY") {
    const bytes = (v: unknown) => new TextEncoder().encode(String(v));
    return (a: unknown, b: unknown) => {
      const x = bytes(a), y = bytes(b);
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const d = ((x[i]! << 24) >> 24) - ((y[i]! << 24) >> 24);
        if (d !== 0) return d;
      }
      return x.length - y.length;
    };
  }
  // An unsigned 32-bit value above 2^31 is negative as a signed int32.
  return (a: unknown, b: unknown) => (Number(a) | 0) - (Number(b) | 0);
}
