import assert from "node:assert/strict";
import { globMatcher, globRoot, isGlob } from "../../sources/glob.ts";

Deno.test("glob matcher", () => {
  const cases: [string, string, boolean][] = [
    ["/d/*.parquet", "/d/a.parquet", true],
    ["/d/*.parquet", "/d/sub/a.parquet", false],
    ["/d/*.parquet", "/d/a.parquetx", false],
    ["/d/**/*.parquet", "/d/a.parquet", true],
    ["/d/**/*.parquet", "/d/x/y/a.parquet", true],
    ["/d/**/*.parquet", "/e/a.parquet", false],
    ["/d/a?.parquet", "/d/a1.parquet", true],
    ["/d/a?.parquet", "/d/a12.parquet", false],
    ["/d/a?b", "/d/a/b", false],
    ["/d/[ab]1.parquet", "/d/b1.parquet", true],
    ["/d/[ab]1.parquet", "/d/c1.parquet", false],
    ["/d/[a-c]1", "/d/b1", true],
    ["/d/[!ab]1", "/d/c1", true],
    ["/d/[!ab]1", "/d/a1", false],
    ["/d/[!ab]1", "/d//1", false],
    ["/d/file.(1)+.parquet", "/d/file.(1)+.parquet", true],
    ["/d/file.parquet", "/d/fileXparquet", false],
    ["/d/year=*/*.parquet", "/d/year=2024/p.parquet", true],
    ["data/**", "data/a/b", true],
  ];
  for (const [pattern, path, want] of cases) {
    assert.equal(globMatcher(pattern)(path), want, `${pattern} ~ ${path}`);
  }
});

Deno.test("glob root and detection", () => {
  assert.equal(globRoot("/d/x/*.parquet"), "/d/x");
  assert.equal(globRoot("/d/**/a.parquet"), "/d");
  assert.equal(globRoot("/*.parquet"), "/");
  assert.equal(globRoot("*.parquet"), "");
  assert.equal(globRoot("pre/fix/[ab].parquet"), "pre/fix");
  assert.ok(isGlob("a/*.parquet") && isGlob("a?") && isGlob("[a]"));
  assert.ok(!isGlob("/d/a.parquet"));
});
