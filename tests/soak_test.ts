/**
 * The soak in short (bench/soak.ts; `deno task soak 10` for the long one):
 * 30 s of mixed load per engine against a real server, with aborted
 * exports, slow clients, malformed bodies and a reload every 3 s. Nothing
 * unexpected may happen, and everything taken must be given back.
 */
import assert from "node:assert/strict";
import { formatSoak, soak } from "../bench/soak.ts";

for (const engine of ["duckdb", "memory"] as const) {
  Deno.test({
    name: `soak: 30 s of mixed load on the ${engine} engine`,
    ignore: Deno.build.os !== "linux",
    async fn() {
      const r = await soak(engine, 30, 100_000);
      console.log(formatSoak(r));
      assert.deepEqual(r.unexpected, []);
      assert.ok(r.served > 100, `only ${r.served} requests served`);
    },
  });
}
