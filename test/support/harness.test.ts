// Tests of the harness that replaces vitest in Deno, Bun and Chromium.
// One table says which checks pass; the harness's `expect` must agree with
// it everywhere, and in Node, where "vitest" is vitest itself, vitest's
// `expect` must agree with it too, so the table cannot drift from vitest.
import { describe, expect, it } from "vitest";
import { findDifference, formatValue } from "./equality.ts";
import { expect as harnessExpect } from "./expect.ts";
import { eachName, withTimeout } from "./harness.ts";
import { itExcept } from "./skip.ts";

type Expect = typeof harnessExpect;

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

function fails(message: string, type: new (message: string) => Error = Error): () => never {
  return () => {
    throw new type(message);
  };
}

/** Name, check, and whether the check passes. */
const CHECKS: [string, (e: Expect) => unknown, boolean][] = [
  ["toBe same number", (e) => e(1).toBe(1), true],
  ["toBe NaN", (e) => e(NaN).toBe(NaN), true],
  ["toBe 0 and -0", (e) => e(0).toBe(-0), false],
  ["toBe equal arrays", (e) => e([1]).toBe([1]), false],
  ["toEqual 0 and -0", (e) => e(0).toEqual(-0), false],
  ["toEqual NaN in arrays", (e) => e([NaN, 1]).toEqual([NaN, 1]), true],
  ["toEqual undefined property", (e) => e({ a: 1, b: undefined }).toEqual({ a: 1 }), true],
  ["toEqual extra property", (e) => e({ a: 1, b: 2 }).toEqual({ a: 1 }), false],
  ["toEqual nested difference", (e) => e({ a: { b: [1, { c: 2 }] } }).toEqual({ a: { b: [1, { c: 3 }] } }), false],
  ["toEqual array lengths", (e) => e([1, 2]).toEqual([1, 2, 3]), false],
  ["toEqual typed arrays", (e) => e(Float32Array.of(1, NaN)).toEqual(Float32Array.of(1, NaN)), true],
  ["toEqual typed array and array", (e) => e(Float32Array.of(1)).toEqual([1]), false],
  ["toEqual two typed array types", (e) => e(Float32Array.of(1)).toEqual(Float64Array.of(1)), false],
  ["toEqual maps", (e) => e(new Map([["a", 1]])).toEqual(new Map([["a", 1]])), true],
  ["toEqual map values", (e) => e(new Map([["a", 1]])).toEqual(new Map([["a", 2]])), false],
  ["toEqual sets in any order", (e) => e(new Set([1, 2])).toEqual(new Set([2, 1])), true],
  ["toEqual instance and plain object", (e) => e(new Point(1, 2)).toEqual({ x: 1, y: 2 }), true],
  ["not.toEqual different", (e) => e([1]).not.toEqual([2]), true],
  ["not.toEqual equal", (e) => e([1]).not.toEqual([1]), false],
  ["toMatchObject subset", (e) => e({ a: 1, b: 2 }).toMatchObject({ a: 1 }), true],
  ["toMatchObject missing key", (e) => e({ a: 1 }).toMatchObject({ a: 1, b: 2 }), false],
  ["toMatchObject nested", (e) => e({ a: [{ x: 1, y: 2 }] }).toMatchObject({ a: [{ x: 1 }] }), true],
  ["toThrow substring", (e) => e(fails("bad value")).toThrow("value"), true],
  ["toThrow other substring", (e) => e(fails("bad value")).toThrow("other"), false],
  ["toThrow RegExp", (e) => e(fails("line 6")).toThrow(/line \d/), true],
  ["toThrow class", (e) => e(fails("x", SyntaxError)).toThrow(SyntaxError), true],
  ["toThrow base class", (e) => e(fails("x", SyntaxError)).toThrow(Error), true],
  ["toThrow other class", (e) => e(fails("x", SyntaxError)).toThrow(RangeError), false],
  ["toThrow without throwing", (e) => e(() => 1).toThrow(), false],
  ["not.toThrow without throwing", (e) => e(() => 1).not.toThrow(), true],
  ["rejects.toThrow class", (e) => e(Promise.reject(new RangeError("r"))).rejects.toThrow(RangeError), true],
  ["rejects.toThrow RegExp", (e) => e(Promise.reject(new Error("csv: line 4"))).rejects.toThrow(/line 5/), false],
  ["rejects on a fulfilled promise", (e) => e(Promise.resolve(1)).rejects.toThrow(), false],
  ["resolves.toBe", (e) => e(Promise.resolve(2)).resolves.toBe(2), true],
  ["toContain substring", (e) => e("abc").toContain("b"), true],
  ["toContain missing item", (e) => e([1, 2]).toContain(3), false],
  ["toContain typed array item", (e) => e(Int32Array.of(4, 5)).toContain(5), true],
  ["not.toContain", (e) => e(["a"]).not.toContain("b"), true],
  ["toHaveLength", (e) => e([1, 2]).toHaveLength(2), true],
  ["toHaveLength wrong", (e) => e("abc").toHaveLength(2), false],
  ["toMatch RegExp", (e) => e("line 6").toMatch(/line \d/), true],
  ["toMatch substring", (e) => e("abc").toMatch("bd"), false],
  ["not.toMatch", (e) => e("a").not.toMatch(/a/), false],
  ["toBeCloseTo two digits", (e) => e(0.1 + 0.2).toBeCloseTo(0.3), true],
  ["toBeCloseTo twelve digits", (e) => e(1.000001).toBeCloseTo(1, 12), false],
  ["toBeCloseTo infinities", (e) => e(Infinity).toBeCloseTo(Infinity), true],
  ["toBeLessThan", (e) => e(1).toBeLessThan(2), true],
  ["toBeLessThan equal", (e) => e(2).toBeLessThan(2), false],
  ["toBeLessThanOrEqual equal", (e) => e(2).toBeLessThanOrEqual(2), true],
  ["toBeGreaterThan", (e) => e(3).toBeGreaterThan(2), true],
  ["toBeGreaterThanOrEqual smaller", (e) => e(1).toBeGreaterThanOrEqual(2), false],
  ["toBeNaN", (e) => e(NaN).toBeNaN(), true],
  ["toBeNaN on a number", (e) => e(1).toBeNaN(), false],
  ["toBeInstanceOf", (e) => e(new RangeError("x")).toBeInstanceOf(Error), true],
  ["toBeInstanceOf other class", (e) => e({}).toBeInstanceOf(Map), false],
  ["toBeNull", (e) => e(null).toBeNull(), true],
  ["not.toBeNull on undefined", (e) => e(undefined).not.toBeNull(), true],
  ["toBeDefined on undefined", (e) => e(undefined).toBeDefined(), false],
];

async function passes(check: (e: Expect) => unknown, e: Expect): Promise<boolean> {
  try {
    await check(e);
    return true;
  } catch {
    return false;
  }
}

describe("harness expect", () => {
  it.each(CHECKS)("%s", async (_, check, pass) => {
    expect(await passes(check, harnessExpect)).toBe(pass);
  });

  it("shows expected, received and the first difference", () => {
    const error = (() => {
      try {
        harnessExpect({ rows: [1, 2] }).toEqual({ rows: [1, 3] });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.name).toBe("AssertionError");
    expect(error?.message).toContain("toEqual");
    expect(error?.message).toContain("Expected: { rows: [1, 3] }");
    expect(error?.message).toContain("Received: { rows: [1, 2] }");
    expect(error?.message).toContain("First difference at .rows[1]: expected 3, received 2");
  });

  it("prefixes the label of expect(value, label)", () => {
    expect(() => harnessExpect(1, "Flow Duration").toBe(2)).toThrow(/^Flow Duration: expect\(received\)\.toBe/);
  });
});

describe("vitest expect", () => {
  const harnessHere = "the vitest import is the harness here";
  itExcept({ deno: harnessHere, bun: harnessHere, browser: harnessHere })("agrees with the table", async () => {
    for (const [name, check, pass] of CHECKS) {
      expect(await passes(check, expect as unknown as Expect), name).toBe(pass);
    }
  });
});

describe("findDifference", () => {
  it("names the path of a nested difference", () => {
    expect(findDifference({ a: [{ "b c": 1 }] }, { a: [{ "b c": 2 }] })).toEqual({ path: '.a[0]["b c"]', actual: 1, expected: 2 });
  });

  it("names a missing map key", () => {
    expect(findDifference(new Map([["x", 1]]), new Map([["y", 1]]))?.path).toBe('.get("y")');
  });
});

describe("formatValue", () => {
  const cases: [string, unknown, string][] = [
    ["string", "a", '"a"'],
    ["negative zero", -0, "-0"],
    ["typed array", Float32Array.of(1, NaN), "Float32Array(2) [1, NaN]"],
    ["map", new Map([["a", 1]]), 'Map(1) {"a" => 1}'],
    ["class instance", new Point(1, 2), "Point { x: 1, y: 2 }"],
    ["error", new RangeError("r"), "RangeError: r"],
    ["long array", Array.from({ length: 32 }, (_, i) => i), `[${Array.from({ length: 30 }, (_, i) => i).join(", ")}, … 2 more]`],
  ];
  it.each(cases)("prints a %s", (_, value, text) => {
    expect(formatValue(value)).toBe(text);
  });
});

describe("eachName", () => {
  const cases: [string, unknown, string][] = [
    ["%s and %d", ["a", 2], "a and 2"],
    ["%s", "plain", "plain"],
    ["pyarrow file $file", { file: "Syn-testing.parquet" }, "pyarrow file 'Syn-testing.parquet'"],
    ["$case is rejected", { case: "missing Label" }, "'missing Label' is rejected"],
    ["row %# is %j", [[1, 2]], "row 3 is [1,2]"],
  ];
  it.each(cases)("formats %s", (template, row, name) => {
    expect(eachName(template, row, 3)).toBe(name);
  });
});

describe("withTimeout", () => {
  it("rejects a body that outlives the limit", async () => {
    const never = () => new Promise(() => {});
    await expect(withTimeout(never, 20, 'test "slow"')).rejects.toThrow('harness: test "slow" timed out after 20 ms');
  });

  it("passes on a body's error", async () => {
    await expect(withTimeout(fails("inner"), 1000, "test")).rejects.toThrow("inner");
  });
});
