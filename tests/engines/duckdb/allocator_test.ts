/**
 * returnFreedMemory() hands back what a dropped DuckDB result left resident:
 * a ~380 MB result, freed, stays resident in DuckDB's allocator until the
 * flush. Measured in a child process, the only way to read one heap's RSS.
 */
import assert from "node:assert/strict";

Deno.test("returnFreedMemory returns a dropped result's memory to the OS", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      new URL("./_freed_memory_child.ts", import.meta.url).pathname,
    ],
    stderr: "inherit",
  }).output();
  assert.equal(out.code, 0);
  const { rows, heldMb, freedMb, returnedMb } = JSON.parse(
    new TextDecoder().decode(out.stdout),
  );
  assert.equal(rows, 3_000_000);
  // Freed but still resident: the precondition that makes the test able to fail.
  assert.ok(freedMb > heldMb - 50, `freed ${freedMb} MB, held ${heldMb} MB`);
  assert.ok(
    freedMb - returnedMb > 200,
    `RSS ${freedMb} MB before the flush, ${returnedMb} MB after`,
  );
});
