/**
 * resolveSource on local trees written by DuckDB: single file, directory,
 * globs, hive partitions (typing, nulls, URL-decoding) checked against
 * DuckDB's own hive reading, unification, refusals and timing.
 */
import assert from "node:assert/strict";
import { SourceError } from "../../sources/errors.ts";
import { resolveSource } from "../../sources/resolve.ts";
import { watchFingerprint } from "../../sources/poll.ts";
import { typeName } from "../../data/type_name.ts";
import { openDuck, tempDir } from "./_duck.ts";

const names = (src: { schema: { fields: { name: string; type: never }[] } }) =>
  src.schema.fields.map((f) => `${f.name}:${typeName(f.type)}`);

Deno.test("hive tree: files, typed partitions, nulls and DuckDB agreement", async () => {
  const dir = await tempDir();
  const duck = await openDuck();
  try {
    await duck.run(`COPY (
      SELECT i AS id, 2020 + i % 3 AS year,
        CASE WHEN i % 5 = 0 THEN NULL ELSE ['TX','CA','a/b'][1 + i % 3] END AS state,
        DATE '2024-01-01' + (i % 2)::INTEGER AS day
      FROM range(60) t(i)
    ) TO '${dir}/t' (FORMAT parquet, PARTITION_BY (year, state, day))`);
    await Deno.writeTextFile(`${dir}/t/_SUCCESS`, "");
    await Deno.writeTextFile(`${dir}/t/.part.crc`, "x");
    const src = await resolveSource({ name: "t", source: `${dir}/t` });
    assert.equal(src.format, "parquet");
    assert.equal(src.sourceVersion, null);
    assert.deepEqual(names(src as never), [
      "id:int64",
      "year:int64",
      "state:string",
      "day:date",
    ]);
    assert.deepEqual(src.partitionColumns.map((f) => f.name), [
      "year",
      "state",
      "day",
    ]);
    assert.ok(src.partitionColumns.every((f) => f.nullable));
    assert.ok(src.files.every((f) => f.path.endsWith(".parquet")));
    const nulls = src.files.filter((f) => f.partitionValues.state === null);
    assert.ok(nulls.length > 0, "a null partition");
    assert.ok(src.files.some((f) => f.partitionValues.state === "a/b"));
    // DuckDB's own hive reading: the same files with the same values and row counts.
    const theirs = await duck.rows(`
      SELECT filename AS f, year::VARCHAR AS year, state, day::VARCHAR AS day, count(*)::INTEGER AS n
      FROM read_parquet('${dir}/t/**/*.parquet', hive_partitioning = true, filename = true)
      GROUP BY ALL ORDER BY f`);
    const ours = [];
    for (const f of src.files) {
      const [{ n }] = await duck.rows(
        `SELECT count(*)::INTEGER AS n FROM read_parquet('${f.path}')`,
      ) as [{ n: number }];
      const p = f.partitionValues;
      ours.push({
        f: f.path,
        year: p.year === null ? null : String(p.year),
        state: p.state,
        day: p.day === null
          ? null
          : new Date(Number(p.day) * 86400000).toISOString().slice(0, 10),
        n,
      });
    }
    assert.deepEqual(ours, theirs);
    assert.equal(typeof src.files[0]!.partitionValues.year, "bigint");
  } finally {
    duck.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("single file, directory and globs", async () => {
  const dir = await tempDir();
  const duck = await openDuck();
  try {
    await Deno.mkdir(`${dir}/d/sub`, { recursive: true });
    for (const [name, n] of [["a1", 1], ["a2", 2], ["b1", 3], ["sub/c1", 4]]) {
      await duck.run(
        `COPY (SELECT ${n}::INTEGER AS x) TO '${dir}/d/${name}.parquet' (FORMAT parquet)`,
      );
    }
    await Deno.writeTextFile(`${dir}/d/notes.txt`, "not data");
    const rel = async (source: string) =>
      (await resolveSource({ name: "d", source })).files.map((f) =>
        f.path.slice(dir.length + 3)
      );
    assert.deepEqual(await rel(`${dir}/d/a1.parquet`), ["a1.parquet"]);
    assert.deepEqual(await rel(`${dir}/d`), [
      "a1.parquet",
      "a2.parquet",
      "b1.parquet",
      "sub/c1.parquet",
    ]);
    assert.deepEqual(await rel(`${dir}/d/`), await rel(`${dir}/d`));
    assert.deepEqual(await rel(`${dir}/d/*.parquet`), [
      "a1.parquet",
      "a2.parquet",
      "b1.parquet",
    ]);
    assert.deepEqual(await rel(`${dir}/d/**/*1.parquet`), [
      "a1.parquet",
      "b1.parquet",
      "sub/c1.parquet",
    ]);
    assert.deepEqual(await rel(`${dir}/d/a?.parquet`), [
      "a1.parquet",
      "a2.parquet",
    ]);
    assert.deepEqual(await rel(`${dir}/d/[ab]1.parquet`), [
      "a1.parquet",
      "b1.parquet",
    ]);
    // A relative source resolves against the working directory.
    const cwd = Deno.cwd();
    Deno.chdir(dir);
    try {
      assert.deepEqual(await rel("d/a*.parquet"), ["a1.parquet", "a2.parquet"]);
    } finally {
      Deno.chdir(cwd);
    }
  } finally {
    duck.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("unification: added columns become nullable and are reported missing; ints and floats widen", async () => {
  const dir = await tempDir();
  const duck = await openDuck();
  try {
    await duck.run(
      `COPY (SELECT 1::INTEGER AS a, 1::FLOAT AS f) TO '${dir}/1.parquet' (FORMAT parquet)`,
    );
    await duck.run(
      `COPY (SELECT 2::BIGINT AS a, 2::DOUBLE AS f, 'x' AS extra) TO '${dir}/2.parquet' (FORMAT parquet)`,
    );
    const src = await resolveSource({ name: "u", source: dir });
    assert.deepEqual(names(src as never), [
      "a:int64",
      "f:float64",
      "extra:string",
    ]);
    assert.equal(src.schema.fields[2]!.nullable, true);
    assert.deepEqual(src.files.map((f) => f.missingColumns), [
      ["extra"],
      undefined,
    ]);
  } finally {
    duck.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("refusals name the dataset and relative paths, never absolute ones", async () => {
  const dir = await tempDir();
  const duck = await openDuck();
  const refused = async (source: string, want: RegExp, format?: "parquet") => {
    const e = await resolveSource({ name: "ds", source, format }).then(
      () => null,
      (e) => e,
    );
    assert.ok(e instanceof SourceError, `expected SourceError, got ${e}`);
    assert.match(e.message, /^cannot read source of dataset "ds": /);
    assert.match(e.message, want);
    assert.ok(!e.message.includes(dir), `absolute path in: ${e.message}`);
  };
  try {
    await Deno.mkdir(`${dir}/mix/sub`, { recursive: true });
    await duck.run(
      `COPY (SELECT 1 AS a) TO '${dir}/mix/one.parquet' (FORMAT parquet)`,
    );
    await duck.run(
      `COPY (SELECT 'x' AS a) TO '${dir}/mix/sub/two.parquet' (FORMAT parquet)`,
    );
    await refused(
      `${dir}/mix`,
      /column "a" is int32 in one\.parquet but string in sub\/two\.parquet/,
    );
    await Deno.mkdir(`${dir}/numfloat`);
    await duck.run(
      `COPY (SELECT 1 AS a) TO '${dir}/numfloat/1.parquet' (FORMAT parquet)`,
    );
    await duck.run(
      `COPY (SELECT 1.5::DOUBLE AS a) TO '${dir}/numfloat/2.parquet' (FORMAT parquet)`,
    );
    await refused(
      `${dir}/numfloat`,
      /int32 in 1\.parquet but float64 in 2\.parquet/,
    );
    await refused(`${dir}/nope.parquet`, /does not exist/);
    await refused(`${dir}/mix/*.csv`, /no files match/);
    await Deno.mkdir(`${dir}/empty`);
    await Deno.writeTextFile(`${dir}/empty/x.txt`, "x");
    await refused(`${dir}/empty`, /no \.parquet files/);
    await Deno.writeTextFile(
      `${dir}/fake.parquet`,
      "hello, this is not parquet",
    );
    await refused(
      `${dir}/fake.parquet`,
      /fake\.parquet is not a readable parquet file/,
    );
    await Deno.mkdir(`${dir}/hv/k=1`, { recursive: true });
    await duck.run(
      `COPY (SELECT 1 AS a) TO '${dir}/hv/k=1/p.parquet' (FORMAT parquet)`,
    );
    await duck.run(
      `COPY (SELECT 1 AS a) TO '${dir}/hv/q.parquet' (FORMAT parquet)`,
    );
    await refused(
      `${dir}/hv`,
      /different hive partition keys: k=1\/p\.parquet and q\.parquet/,
    );
    await Deno.mkdir(`${dir}/dl/_delta_log`, { recursive: true });
    await refused(`${dir}/dl`, /is a Delta table/, "parquet");
  } finally {
    duck.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a column also written in the file takes the hive value and type, as DuckDB does", async () => {
  const dir = await tempDir();
  const duck = await openDuck();
  try {
    await Deno.mkdir(`${dir}/year=2024`);
    await duck.run(
      `COPY (SELECT 1 AS a, 'old' AS year) TO '${dir}/year=2024/p.parquet' (FORMAT parquet)`,
    );
    const src = await resolveSource({ name: "h", source: dir });
    assert.deepEqual(names(src as never), ["a:int32", "year:int64"]);
    assert.equal(src.files[0]!.partitionValues.year, 2024n);
    assert.equal(src.files[0]!.missingColumns, undefined);
    const [row] = await duck.rows(
      `SELECT year FROM read_parquet('${dir}/**/*.parquet', hive_partitioning = true)`,
    );
    assert.equal(String(row!.year), "2024");
  } finally {
    duck.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fingerprint follows the listing; a 1-file source resolves in a few ms", async () => {
  const dir = await tempDir();
  const duck = await openDuck();
  try {
    await duck.run(
      `COPY (SELECT i, i::VARCHAR AS s FROM range(200000) t(i)) TO '${dir}/a.parquet' (FORMAT parquet)`,
    );
    const spec = { name: "f", source: `${dir}/a.parquet` };
    const first = await resolveSource(spec);
    assert.match(first.fingerprint, /^[0-9a-f]{64}$/);
    assert.equal((await resolveSource(spec)).fingerprint, first.fingerprint);
    const runs = 20;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await resolveSource(spec);
    const ms = (performance.now() - t0) / runs;
    assert.ok(ms < 20, `resolve took ${ms.toFixed(2)} ms`);
    await duck.run(
      `COPY (SELECT 1 AS i, 'x' AS s) TO '${dir}/a.parquet' (FORMAT parquet)`,
    );
    assert.notEqual((await resolveSource(spec)).fingerprint, first.fingerprint);
  } finally {
    duck.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("watchFingerprint calls back when a file is added, and stops on abort", async () => {
  const dir = await tempDir();
  const duck = await openDuck();
  try {
    await duck.run(
      `COPY (SELECT 1 AS a) TO '${dir}/1.parquet' (FORMAT parquet)`,
    );
    const spec = { name: "w", source: dir };
    const ctl = new AbortController();
    const seen: string[] = [];
    let changed!: () => void;
    const onChange = new Promise<void>((r) => changed = r);
    const watching = watchFingerprint(spec, 0.05, (fp) => {
      seen.push(fp);
      changed();
    }, ctl.signal);
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(seen.length, 0);
    await duck.run(
      `COPY (SELECT 2 AS a) TO '${dir}/2.parquet' (FORMAT parquet)`,
    );
    await onChange;
    ctl.abort();
    await watching;
    assert.equal(seen.length, 1);
    assert.equal(seen[0], (await resolveSource(spec)).fingerprint);
  } finally {
    duck.close();
    await Deno.remove(dir, { recursive: true });
  }
});
