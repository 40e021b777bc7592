/**
 * A new Delta commit reaches clients through POST .../reload while other
 * clients keep querying over real HTTP: every answer is one whole version,
 * nothing old is served once the reload answered, and a broken commit
 * leaves the live version serving.
 */
import assert from "node:assert/strict";
import { createApp } from "../../server/app.ts";
import { type Backend, defaultConfig } from "../../server/config.ts";
import { datasetFromArg } from "../../server/dataset_config.ts";
import { openDuck } from "./_duck.ts";
import {
  type DeltaAction,
  writeCommit,
  writeDataFile,
} from "./_delta_table.ts";

const TOKEN = "s3cret";
const NAME = "events";

/** Rows per file; `tag` names the file a row came from, `added_in` the commit that added it. */
const FILES = { a: 100, b: 100, c: 50 } as const;
type Tag = keyof typeof FILES;

/** The groups (tag → rows) each table version holds. */
type Groups = Partial<Record<Tag, number>>;

function fileSelect(tag: Tag, first: number, addedIn: number): string {
  return `SELECT (${first} + range)::BIGINT AS id, '${tag}' AS tag, ${addedIn}::BIGINT AS added_in FROM range(${
    FILES[tag]
  })`;
}

const total = (g: Groups) => Object.values(g).reduce((s, n) => s + n, 0);

/** What one answer showed: the datapress version it reports (if any) and its data. */
interface Seen {
  route: string;
  startedAt: number;
  version: number | null;
  groups: Groups | null;
  count: number | null;
}

interface Client {
  post(path: string, body: unknown, token?: string): Promise<Response>;
  get(path: string): Promise<Response>;
}

function client(base: string): Client {
  return {
    post: (path, body, token) =>
      fetch(`${base}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { "x-admin-token": token } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    get: (path) => fetch(`${base}${path}`),
  };
}

/** One request of a reader's loop, reduced to what it shows about the version it read. */
async function ask(c: Client, kind: number): Promise<Seen> {
  const startedAt = performance.now();
  const route = ["rows", "grouped", "count", "count_c"][kind % 4]!;
  const path = `/api/v1/datasets/${NAME}/${
    route.startsWith("count") ? "count" : "query"
  }`;
  const body = route === "rows"
    ? {
      columns: ["id", "tag", "added_in"],
      order_by: [{ col: "id" }],
      page_size: 1000,
    }
    : route === "grouped"
    ? {
      group_by: ["tag"],
      aggregations: [{ op: "count" }, { op: "max", col: "added_in" }],
    }
    : route === "count_c"
    ? { predicates: [{ col: "tag", op: "eq", val: "c" }] }
    : {};
  const res = await c.post(path, body);
  const text = await res.text();
  assert.equal(
    res.status,
    200,
    `${route} during reload answered ${res.status}: ${text}`,
  );
  const answer = JSON.parse(text);
  if (route.startsWith("count")) {
    return {
      route,
      startedAt,
      version: null,
      groups: null,
      count: answer.count,
    };
  }
  const groups: Groups = {};
  if (route === "rows") {
    assert.equal(answer.has_more, false);
    for (
      const r of answer.rows as { id: number; tag: Tag; added_in: number }[]
    ) {
      groups[r.tag] = (groups[r.tag] ?? 0) + 1;
      assert.equal(
        r.added_in,
        r.tag === "c" ? 1 : 0,
        `row ${r.id} of file ${r.tag}`,
      );
    }
  } else {
    for (
      const r of answer.rows as {
        tag: Tag;
        count: number;
        max_added_in: number;
      }[]
    ) {
      groups[r.tag] = r.count;
      assert.equal(r.max_added_in, r.tag === "c" ? 1 : 0);
    }
  }
  return { route, startedAt, version: answer.version, groups, count: null };
}

async function scenario(engine: Backend, change: "add" | "remove-and-add") {
  const root = await Deno.makeTempDir({ prefix: "datapress-delta-reload-" });
  const duck = await openDuck();
  await writeDataFile(duck, root, "a.parquet", fileSelect("a", 0, 0));
  await writeDataFile(duck, root, "b.parquet", fileSelect("b", 100, 0));
  await writeCommit(root, 0, [{ add: { path: "a.parquet" } }, {
    add: { path: "b.parquet" },
  }], {
    columns: [["id", "long"], ["tag", "string"], ["added_in", "long"]],
  });
  const before: Groups = { a: 100, b: 100 };
  const after: Groups = change === "add"
    ? { a: 100, b: 100, c: 50 }
    : { a: 100, c: 50 };

  const app = await createApp({
    ...defaultConfig(),
    backend: engine,
    listen: "127.0.0.1",
    port: 0,
    kv: ":memory:",
    datasets: [{ ...datasetFromArg(root, 0), name: NAME }],
  }, { adminToken: TOKEN });
  const server = app.listen();
  try {
    await app.loadAll();
    const c = client(await server.url);
    const initial = await app.ctx.store.get(NAME);
    assert.equal(initial?.source_version, 0);
    assert.equal(initial?.version, 1);

    const seen: Seen[] = [];
    let reloadedAt = Infinity;
    let stop = false;
    let failure: unknown = null;
    const readers = Array.from({ length: 4 }, async (_, r) => {
      try {
        for (let i = r; !stop; i++) seen.push(await ask(c, i));
      } catch (e) {
        failure ??= e;
        stop = true;
      }
    });
    const settle = async (n: number, since: number) => {
      while (seen.filter((s) => s.startedAt > since).length < n) {
        if (failure) throw failure;
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    try {
      await settle(20, 0);
      const actions: DeltaAction[] = [{ add: { path: "c.parquet" } }];
      if (change === "remove-and-add") actions.push({ remove: "b.parquet" });
      await writeDataFile(duck, root, "c.parquet", fileSelect("c", 200, 1));
      await writeCommit(root, 1, actions);
      const res = await c.post(
        `/api/v1/datasets/${NAME}/reload`,
        undefined,
        TOKEN,
      );
      reloadedAt = performance.now();
      assert.equal(res.status, 200, await res.clone().text());
      const body = await res.json();
      assert.equal(body.dataset, NAME);
      assert.equal(body.rows, total(after));
      assert.equal(body.version, 2);
      await settle(40, reloadedAt);
    } finally {
      stop = true;
      await Promise.all(readers);
    }
    if (failure) throw failure;

    const shapes = new Map([[1, before], [2, after]]);
    for (const s of seen) {
      const late = s.startedAt > reloadedAt;
      if (s.version !== null) {
        assert.ok(
          shapes.has(s.version),
          `${s.route} reported version ${s.version}`,
        );
        assert.deepEqual(
          s.groups,
          shapes.get(s.version),
          `${s.route} answer is all of version ${s.version}`,
        );
        if (late) {
          assert.equal(
            s.version,
            2,
            `${s.route} started after the reload answered`,
          );
        }
      } else if (s.route === "count") {
        const allowed = late ? [total(after)] : [total(before), total(after)];
        assert.ok(
          allowed.includes(s.count!),
          `count ${s.count} (late: ${late})`,
        );
      } else {
        const allowed = late ? [50] : [0, 50];
        assert.ok(
          allowed.includes(s.count!),
          `count of tag c ${s.count} (late: ${late})`,
        );
      }
    }
    const early = seen.filter((s) => s.startedAt < reloadedAt);
    assert.ok(
      early.some((s) => s.version === 1),
      "some answers came from the old version",
    );

    // The new version is described everywhere, with the Delta version it read.
    const listed = (await (await c.get("/api/v1/datasets")).json()).datasets;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].format, "delta");
    assert.equal(listed[0].engine, engine);
    assert.equal(listed[0].rows, total(after));
    assert.equal(listed[0].version, 2);
    assert.equal(listed[0].source_version, 1);
    const meta = await app.ctx.store.get(NAME);
    assert.equal(meta?.version, 2);
    assert.equal(meta?.source_version, 1);
    assert.equal(meta?.rows, total(after));
    assert.equal(meta?.last_reload?.outcome, "ok");
    assert.match(meta?.fingerprint ?? "", /:v1:/);

    // A commit adding a file that does not exist: the reload fails, version 2 keeps serving.
    await writeCommit(root, 2, [{ add: { path: "missing.parquet" } }]);
    const failed = await c.post(
      `/api/v1/datasets/${NAME}/reload`,
      undefined,
      TOKEN,
    );
    const err = await failed.json();
    assert.equal(failed.status, 502, "a source that cannot be read is a 502");
    assert.equal(err.error.status, failed.status);
    assert.equal(err.error.code, "reload_failed");
    assert.match(err.error.message, new RegExp(`reload of "${NAME}" failed`));
    assert.match(
      err.error.message,
      /data file missing\.parquet does not exist/,
      "the reason names the missing file",
    );
    assert.doesNotMatch(
      err.error.message,
      new RegExp(root),
      "no local path in the answer",
    );
    for (let i = 0; i < 4; i++) {
      const s = await ask(c, i);
      if (s.version !== null) {
        assert.equal(s.version, 2);
        assert.deepEqual(s.groups, after);
      } else {
        assert.equal(s.count, s.route === "count" ? total(after) : 50);
      }
    }
    const failedMeta = await app.ctx.store.get(NAME);
    assert.equal(failedMeta?.version, 2);
    assert.equal(failedMeta?.source_version, 1);
    assert.equal(failedMeta?.last_reload?.outcome, "error");
    const listedAfter =
      (await (await c.get("/api/v1/datasets")).json()).datasets[0];
    assert.equal(listedAfter.version, 2);
    assert.equal(listedAfter.source_version, 1);
  } finally {
    duck.close();
    await server.shutdown();
    await app.close();
    await Deno.remove(root, { recursive: true });
  }
}

for (const engine of ["duckdb", "memory"] as const) {
  for (const change of ["add", "remove-and-add"] as const) {
    Deno.test(`delta reload under concurrent queries (${engine}, ${change})`, () =>
      scenario(engine, change));
  }
}
