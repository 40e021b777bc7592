/**
 * Hand-written Delta tables for tests: parquet data files written by DuckDB
 * and JSON commits written the way Delta writers publish them (a whole file
 * appears at once under its final name).
 */
import type { Duck } from "./_duck.ts";

export type DeltaType = "long" | "string";

export interface DeltaAdd {
  /** Relative to the table root. */
  path: string;
  partitionValues?: Record<string, string | null>;
}

export type DeltaAction = { add: DeltaAdd } | { remove: string };

const logName = (version: number) =>
  `_delta_log/${String(version).padStart(20, "0")}.json`;

/** Writes `select`'s rows to `root/path` as parquet; the parent folder is created. */
export async function writeDataFile(
  duck: Duck,
  root: string,
  path: string,
  select: string,
): Promise<void> {
  const full = `${root}/${path}`;
  await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
  await duck.run(`COPY (${select}) TO '${full}' (FORMAT parquet)`);
}

/** Commit `version`: the adds and removes given, plus protocol and metaData for version 0. */
export async function writeCommit(
  root: string,
  version: number,
  actions: DeltaAction[],
  table?: { columns: [string, DeltaType][]; partitionColumns?: string[] },
): Promise<void> {
  const now = Date.now();
  const lines: unknown[] = [{
    commitInfo: { timestamp: now, operation: "WRITE" },
  }];
  if (table) {
    lines.push({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } });
    lines.push({
      metaData: {
        id: crypto.randomUUID(),
        format: { provider: "parquet", options: {} },
        schemaString: JSON.stringify({
          type: "struct",
          fields: table.columns.map(([name, type]) => ({
            name,
            type,
            nullable: true,
            metadata: {},
          })),
        }),
        partitionColumns: table.partitionColumns ?? [],
        configuration: {},
        createdTime: now,
      },
    });
  }
  for (const a of actions) {
    if ("add" in a) {
      const size = await Deno.stat(`${root}/${a.add.path}`).then(
        (s) => s.size,
        () => 1234, // a file that does not exist (broken commits)
      );
      lines.push({
        add: {
          path: a.add.path,
          partitionValues: a.add.partitionValues ?? {},
          size,
          modificationTime: now,
          dataChange: true,
        },
      });
    } else {
      lines.push({
        remove: { path: a.remove, deletionTimestamp: now, dataChange: true },
      });
    }
  }
  await Deno.mkdir(`${root}/_delta_log`, { recursive: true });
  const tmp = `${root}/_delta_log/.tmp-${version}`;
  await Deno.writeTextFile(
    tmp,
    lines.map((l) => JSON.stringify(l)).join("\n") + "\n",
  );
  await Deno.rename(tmp, `${root}/${logName(version)}`);
}
