/** How the explorer shows values, orders on header clicks and reads its URL. */
import assert from "node:assert/strict";
import {
  groupDigits,
  readableFloat,
  readableTimestamp,
  rightAligned,
  showValue,
} from "../../ui/format.ts";
import {
  emptyState,
  nextOrder,
  stateFromHash,
  stateToHash,
  toBody,
} from "../../ui/state.ts";
import { timeOf, timeTicks } from "../../ui/time_axis.ts";

Deno.test("values as people read them, exact text kept", () => {
  assert.equal(groupDigits("9007199254740993"), "9,007,199,254,740,993");
  assert.equal(groupDigits("-1234567.50"), "-1,234,567.50");
  assert.equal(groupDigits("12"), "12");
  assert.deepEqual(showValue(1234567, "int32"), {
    text: "1,234,567",
    exact: "1234567",
    kind: "number",
    truncated: false,
  });
  assert.equal(
    showValue("9007199254740993", "int64").text,
    "9,007,199,254,740,993",
  );
  const f = showValue(39.738640000000004, "float64");
  assert.equal(f.text, "39.7386");
  assert.equal(f.exact, "39.738640000000004");
  assert.equal(readableFloat(12345.678), "12,345.68");
  assert.equal(readableFloat(0.0000123456), "1.235e-5");
  assert.equal(readableFloat(-0.1234567), "-0.123457");
  assert.equal(showValue("NaN", "float64").text, "NaN");
  assert.equal(showValue("-Infinity", "float32").text, "−∞");
  assert.equal(showValue("1234.50", "decimal(10,2)").text, "1,234.50");
  assert.equal(
    readableTimestamp("2021-06-01T01:00:07.250Z"),
    "2021-06-01 01:00:07.250 UTC",
  );
  assert.equal(
    showValue("2021-06-01T01:00:07", "timestamp[us]").text,
    "2021-06-01 01:00:07",
  );
  assert.deepEqual(showValue(null, "string"), {
    text: "null",
    exact: "",
    kind: "null",
    truncated: false,
  });
  const long = showValue("x".repeat(500), "string");
  assert.equal(long.text.length, 121);
  assert.ok(long.truncated && long.text.endsWith("…"));
  assert.equal(long.exact.length, 500);
  const nested = showValue({ a: [1, 2] }, "struct<a: list<int64>>");
  assert.deepEqual([nested.kind, nested.text], ["nested", '{"a":[1,2]}']);
  assert.ok(rightAligned("uint64") && rightAligned("decimal(5,1)"));
  assert.ok(!rightAligned("string") && !rightAligned("date"));
});

Deno.test("header clicks: sort, reverse, unsort; shift adds or cycles one key", () => {
  let o = nextOrder([], "a", false);
  assert.deepEqual(o, [{ col: "a", dir: "asc" }]);
  o = nextOrder(o, "a", false);
  assert.deepEqual(o, [{ col: "a", dir: "desc" }]);
  assert.deepEqual(nextOrder(o, "a", false), []);
  o = nextOrder([{ col: "a", dir: "asc" }], "b", true);
  assert.deepEqual(o, [{ col: "a", dir: "asc" }, { col: "b", dir: "asc" }]);
  o = nextOrder(o, "b", true);
  assert.deepEqual(o, [{ col: "a", dir: "asc" }, { col: "b", dir: "desc" }]);
  assert.deepEqual(nextOrder(o, "b", true), [{ col: "a", dir: "asc" }]);
  // A plain click on one of several keys sorts by it alone.
  assert.deepEqual(nextOrder(o, "a", false), [{ col: "a", dir: "desc" }]);
});

Deno.test("URL state: round trip, unknown keys dropped, bodies typed by column", () => {
  const s = {
    ...emptyState("fx"),
    predicates: [{ col: "severity", op: "gte" as const, val: "2" }],
  };
  assert.deepEqual(stateFromHash(stateToHash(s)), s);
  const old = "#" + new URLSearchParams({
    q: JSON.stringify({ ...s, page: 3, pageSize: 100 }),
  });
  assert.deepEqual(stateFromHash(old), s);
  assert.equal(stateFromHash("#q=%7Bnot json"), null);
  assert.deepEqual(toBody(s, { severity: "int8" }), {
    predicates: [{ col: "severity", op: "gte", val: 2 }],
  });
});

Deno.test("time axis: dates and timestamps as instants, ticks at the span's precision", () => {
  assert.equal(timeOf("2020-01-02"), Date.UTC(2020, 0, 2));
  assert.equal(timeOf("2020-01-02T03:04:05"), Date.UTC(2020, 0, 2, 3, 4, 5));
  assert.equal(timeOf("2020-01-02T03:04:05Z"), Date.UTC(2020, 0, 2, 3, 4, 5));
  assert.equal(timeOf(null), null);
  const years = timeTicks(Date.UTC(2010, 0, 1), Date.UTC(2020, 0, 1));
  assert.deepEqual([years[0]!.label, years.at(-1)!.label], ["2010", "2020"]);
  const days = timeTicks(Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 20));
  assert.equal(days[0]!.label, "2020-01-01");
  assert.equal(timeTicks(5, 5).length, 1);
});
