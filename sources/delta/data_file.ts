/**
 * One live `add` action → the SourceFile engines read: its local path,
 * typed partition values, deleted rows, and from its footer where each
 * table column lives in it (file_columns.ts) and which of its statistics
 * cannot be trusted (../statistics.ts).
 */
import { parquetSchema } from "hyparquet";
import type { Field } from "../../data/types.ts";
import { readFooter } from "../footer.ts";
import { UnsupportedColumn } from "../parquet_schema.ts";
import { unreliableStatistics } from "../statistics.ts";
import type { ObjectStore, SourceFile } from "../types.ts";
import type { AddAction } from "./actions.ts";
import { type ColumnMappingMode, physicalName } from "./column_mapping.ts";
import type { deletionVectorReader } from "./deletion_vector.ts";
import { DeltaFormatError } from "./failure.ts";
import { fileColumns } from "./file_columns.ts";
import { parsePartitionValue } from "./partition.ts";
import { displayPath, resolveLogPath } from "./paths.ts";
import type { DeltaField } from "./schema.ts";

/** What every file of one table version is read against. */
export interface FileContext {
  partitionFields: DeltaField[];
  /** `partitionFields` as datapress fields, in the same order. */
  partitionColumns: Field[];
  dataFields: DeltaField[];
  mode: ColumnMappingMode;
  readDv: ReturnType<typeof deletionVectorReader>;
}

/** The SourceFile of `add`, a file of the table at `root`. */
export async function sourceFile(
  store: ObjectStore,
  root: string,
  add: AddAction,
  ctx: FileContext,
): Promise<SourceFile> {
  const key = resolveLogPath(root, add.path);
  if (key === null) {
    throw new DeltaFormatError(`data file ${add.path} is not addressable`);
  }
  const shown = displayPath(root, key);
  const path = await store.localPath(key);
  // A log entry whose file is gone fails the load here, naming the file,
  // instead of later inside an engine with a reason clients never see.
  if (!(await Deno.stat(path).then((s) => s.isFile, () => false))) {
    throw new DeltaFormatError(`data file ${shown} does not exist`);
  }
  const partitionValues: SourceFile["partitionValues"] = {};
  ctx.partitionFields.forEach((field, i) => {
    const text = add.partitionValues[physicalName(field, ctx.mode)] ?? null;
    partitionValues[field.name] = parsePartitionValue(
      text,
      ctx.partitionColumns[i]!.type,
    );
  });
  const file: SourceFile = { path, size: add.size, partitionValues };
  if (add.deletionVector) {
    file.deletedRows = await ctx.readDv(add.deletionVector, shown);
  }
  return { ...file, ...await footerFacts(path, shown, ctx) };
}

/** What the footer of the data file at `path` tells engines. */
async function footerFacts(
  path: string,
  shown: string,
  ctx: FileContext,
): Promise<Partial<SourceFile>> {
  const meta = await readFooter(path).catch(() => {
    throw new DeltaFormatError(`data file ${shown} is not readable parquet`);
  });
  let columns;
  try {
    columns = fileColumns(ctx.dataFields, parquetSchema(meta), ctx.mode);
  } catch (err) {
    if (err instanceof DeltaFormatError || err instanceof UnsupportedColumn) {
      throw new DeltaFormatError(`data file ${shown}: ${err.message}`);
    }
    throw err;
  }
  const facts: Partial<SourceFile> = {};
  const renamed = ctx.dataFields.some((f) =>
    columns.physicalNames[f.name] !== f.name
  );
  if (renamed) facts.physicalNames = columns.physicalNames;
  if (columns.missing.length > 0) facts.missingColumns = columns.missing;
  if (Object.keys(columns.nestedLayouts).length > 0) {
    facts.nestedLayouts = columns.nestedLayouts;
  }
  const unreliable = new Set(unreliableStatistics(meta));
  const untrusted = ctx.dataFields.filter((f) =>
    unreliable.has(columns.physicalNames[f.name]!)
  ).map((f) => f.name);
  if (untrusted.length > 0) facts.unreliableStats = untrusted;
  return facts;
}
