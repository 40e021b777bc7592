/**
 * CSV/TSV and NDJSON files → one parquet file, typed as DuckDB's readers
 * infer them (`read_csv` / `read_json` auto-detection), columns united by
 * name across files. sources/ calls this through the `TextToParquet` it is
 * handed, so it never imports an engine; the result is cached by the
 * files' fingerprint, so a restart or an unchanged reload converts nothing.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import type { TextFiles } from "../../sources/text.ts";
import { literal } from "./relation.ts";

/**
 * The parquet file holding `files`' rows in file order, under `dir`.
 *
 * @example
 * ```ts
 * import { textToParquet } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.csv`, "n,s\n1,x\n2,y\n");
 * const parquet = await textToParquet({
 *   format: "csv",
 *   paths: [`${dir}/a.csv`],
 *   tabs: false,
 *   fingerprint: "example",
 * }, `${dir}/cache`);
 * console.assert(parquet.endsWith(".parquet"));
 * ```
 */
export async function textToParquet(
  files: TextFiles,
  dir: string,
): Promise<string> {
  const target = `${dir}/${files.format}-${
    files.fingerprint.slice(0, 32)
  }.parquet`;
  if (await Deno.stat(target).then(() => true, () => false)) return target;
  await Deno.mkdir(dir, { recursive: true });
  const list = `[${files.paths.map(literal).join(", ")}]`;
  const read = files.format === "csv"
    ? `read_csv(${list}, union_by_name = true${
      files.tabs ? ", delim = '\\t'" : ""
    })`
    : `read_json(${list}, format = 'newline_delimited', union_by_name = true)`;
  // Written aside and renamed: a crash never leaves a half file that a
  // later load would take for the cached conversion.
  const temp = `${target}.${crypto.randomUUID()}.part`;
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    // Zone-aware values are stored as UTC instants, as parquet sources are read.
    await conn.run("LOAD icu; SET TimeZone = 'UTC'");
    await conn.run(
      `COPY (SELECT * FROM ${read}) TO ${literal(temp)} (FORMAT parquet)`,
    );
    await Deno.rename(temp, target);
    return target;
  } catch (e) {
    await Deno.remove(temp).catch(() => {});
    throw e;
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
