/**
 * Column mapping on nested fields: the view the engines read (relationSql)
 * rebuilds every logical struct, inside structs, lists, lists of lists and
 * map values, from the physical names and field ids in the data files.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { relationSql } from "../../../engines/duckdb/relation.ts";
import { resolveDelta } from "../../../sources/delta/mod.ts";
import { canonicalRows } from "./_canonical.ts";
import { FIXTURES, fsStore, tempCopy } from "./_store.ts";

const instance = await DuckDBInstance.create(":memory:");

/** A Delta schema field with a physical name (column mapping mode `name`). */
function field(name: string, physical: string, type: unknown) {
  return {
    name,
    type,
    nullable: true,
    metadata: { "delta.columnMapping.physicalName": physical },
  };
}

const struct = (...fields: unknown[]) => ({ type: "struct", fields });
const array = (elementType: unknown) => ({
  type: "array",
  elementType,
  containsNull: true,
});

/**
 * A one-file name-mapped table: `s.added` and `late` were added after the
 * file was written, so it lacks them; one row has a null struct, one list
 * holds a null struct.
 */
async function writeTable(root: string): Promise<void> {
  const schema = struct(
    field("id", "col-id", "long"),
    field(
      "s",
      "col-s",
      struct(
        field("a", "p-a", "integer"),
        field("b", "p-b", struct(field("c", "p-c", "string"))),
        field("added", "p-added", "string"),
      ),
    ),
    field("l", "col-l", array(struct(field("x", "p-x", "integer")))),
    field("m", "col-m", {
      type: "map",
      keyType: "string",
      valueType: array(struct(field("y", "p-y", "integer"))),
      valueContainsNull: true,
    }),
    field("ll", "col-ll", array(array(struct(field("z", "p-z", "long"))))),
    field(`we"ird'`, "col-w", struct(field(`q'"`, "p-q", "long"))),
    field("late", "col-late", "long"),
  );
  const conn = await instance.connect();
  try {
    await conn.run(
      `COPY (SELECT i AS "col-id",
        CASE WHEN i = 1 THEN NULL
          ELSE {'p-a': i::INTEGER, 'p-b': {'p-c': 'c' || i}} END AS "col-s",
        [{'p-x': i::INTEGER}, NULL] AS "col-l",
        MAP {'k' || i: [{'p-y': i::INTEGER}]} AS "col-m",
        [[{'p-z': i}], []] AS "col-ll",
        {'p-q': i} AS "col-w"
      FROM range(2) t(i)) TO '${root}/part-0.parquet' (FORMAT parquet)`,
    );
  } finally {
    conn.closeSync();
  }
  const size = (await Deno.stat(`${root}/part-0.parquet`)).size;
  const actions = [
    { protocol: { minReaderVersion: 2, minWriterVersion: 5 } },
    {
      metaData: {
        id: crypto.randomUUID(),
        format: { provider: "parquet", options: {} },
        schemaString: JSON.stringify(schema),
        partitionColumns: [],
        configuration: { "delta.columnMapping.mode": "name" },
        createdTime: 0,
      },
    },
    {
      add: {
        path: "part-0.parquet",
        partitionValues: {},
        size,
        modificationTime: 0,
        dataChange: true,
      },
    },
  ];
  await Deno.mkdir(`${root}/_delta_log`);
  await Deno.writeTextFile(
    `${root}/_delta_log/00000000000000000000.json`,
    actions.map((a) => JSON.stringify(a)).join("\n") + "\n",
  );
}

/** Rows of the engines' view of the table at `root`, as DuckDB prints them. */
async function viewRows(root: string) {
  const source = await resolveDelta(fsStore(), root, { name: "t" });
  const conn = await instance.connect();
  try {
    return {
      source,
      rows: (await canonicalRows(
        conn,
        relationSql(source, source.files),
        [],
        source.schema.fields.map((f) => f.name),
      )).rows,
    };
  } finally {
    conn.closeSync();
  }
}

Deno.test("nested column mapping: structs in structs, lists, lists of lists and maps", async () => {
  const root = await Deno.makeTempDir({ prefix: "datapress-nested-cm-" });
  try {
    await writeTable(root);
    const { source, rows } = await viewRows(root);
    assertEquals(source.files[0]!.missingColumns, ["late"]);
    assertEquals(rows, [
      [
        "0",
        "{'a': 0, 'b': {'c': c0}, 'added': NULL}",
        "[{'x': 0}, NULL]",
        "{k0=[{'y': 0}]}",
        "[[{'z': 0}], []]",
        `{'q\\'"': 0}`,
        null,
      ],
      [
        "1",
        null,
        "[{'x': 1}, NULL]",
        "{k1=[{'y': 1}]}",
        "[[{'z': 1}], []]",
        `{'q\\'"': 1}`,
        null,
      ],
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("nested column mapping: the fixtures read through the engines' view give their expected rows", async () => {
  for (const table of ["column-mapping-name", "column-mapping-id"]) {
    const root = `${FIXTURES}${table}`;
    const expected = JSON.parse(
      await Deno.readTextFile(`${root}/expected.json`),
    );
    const { source, rows } = await viewRows(root);
    // The nested fields really are renamed in these files.
    assertEquals(
      Object.keys(source.files[0]!.nestedLayouts ?? {}).sort(),
      ["array_of_structs", "map_of_rows", "nested_struct"],
    );
    assertEquals(rows, expected.rows);
  }
});

Deno.test("nested column mapping: id mode matches nested fields by parquet field id alone", async () => {
  // Physical names in the log that name nothing in the files: only the
  // field ids can find the columns and their nested fields.
  const root = await tempCopy(`${FIXTURES}column-mapping-id`);
  try {
    const log = `${root}/_delta_log/00000000000000000000.json`;
    const text = await Deno.readTextFile(log);
    await Deno.writeTextFile(log, text.replaceAll("col-", "gone-"));
    const expected = JSON.parse(
      await Deno.readTextFile(`${root}/expected.json`),
    );
    const { source, rows } = await viewRows(root);
    assertEquals(source.files[0]!.missingColumns, undefined);
    assertEquals(rows, expected.rows);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
