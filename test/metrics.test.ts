import { describe, expect, it } from "vitest";
import { confusionMatrix, NO_PREDICTED_ROWS, NO_ROWS, NO_TRUE_ROWS, sideMetrics } from "../src/metrics.ts";
import { readJson } from "./support/platform.ts";

interface Averages {
  precision: number;
  recall: number;
  f1: number;
}

interface FixtureCase {
  name: string;
  labels: string[];
  confusion: number[][];
  expected: {
    accuracy: number;
    precision: number[];
    recall: number[];
    f1: number[];
    support: number[];
    precisionUndefined: boolean[];
    recallUndefined: boolean[];
    f1Undefined: boolean[];
    macro: Averages;
    weighted: Averages;
  };
}

// Written by reference/metrics.py with scikit-learn 1.2.1.
const fixture = (await readJson("test/fixtures/metrics.json")) as {
  sklearn: string;
  cases: FixtureCase[];
};

const TOLERANCE = 1e-12;

function expectClose(actual: number | null | undefined, expected: number, what: string): void {
  expect(actual, what).not.toBeNull();
  expect(Math.abs((actual as number) - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(TOLERANCE);
}

describe("sideMetrics against scikit-learn", () => {
  it("fixture comes from scikit-learn 1.2.1", () => {
    expect(fixture.sklearn).toBe("1.2.1");
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))("%s", (_name, testCase) => {
    const side = sideMetrics(testCase.confusion, testCase.labels);
    const expected = testCase.expected;

    expectClose(side.accuracy, expected.accuracy, "accuracy");
    for (const key of ["precision", "recall", "f1"] as const) {
      expectClose(side.macro[key], expected.macro[key], `macro ${key}`);
      expectClose(side.weighted[key], expected.weighted[key], `weighted ${key}`);
    }

    testCase.labels.forEach((label, c) => {
      const metrics = side.perClass[label];
      expect(metrics.support, `${label} support`).toBe(expected.support[c]);

      const figures = [
        ["precision", expected.precisionUndefined[c], expected.precision[c]],
        ["recall", expected.recallUndefined[c], expected.recall[c]],
        ["f1", expected.f1Undefined[c], expected.f1[c]],
      ] as const;
      for (const [key, isUndefined, value] of figures) {
        if (isUndefined) {
          expect(metrics[key], `${label} ${key} is undefined in scikit-learn`).toBeNull();
        } else {
          expectClose(metrics[key], value, `${label} ${key}`);
        }
      }

      const anyUndefined = expected.precisionUndefined[c] || expected.recallUndefined[c];
      expect(metrics.undefined !== undefined, `${label} carries a reason exactly when a figure is null`).toBe(anyUndefined);
    });

    expect(side.rows, "rows").toBe(testCase.confusion.flat().reduce((a, b) => a + b, 0));
    expect(side.confusion.labels, "confusion labels").toEqual(testCase.labels);
    expect(side.confusion.matrix, "confusion matrix").toEqual(testCase.confusion);
    expect(JSON.stringify(side), "serialized metrics").not.toMatch(/NaN|Infinity/);
  });
});

describe("sideMetrics undefined figures", () => {
  const cases = [
    { name: "never predicted", confusion: [[3, 0], [2, 0]], label: "b", reason: NO_PREDICTED_ROWS, nulls: ["precision"] },
    { name: "no true rows", confusion: [[3, 2], [0, 0]], label: "b", reason: NO_TRUE_ROWS, nulls: ["recall"] },
    { name: "no rows at all", confusion: [[3, 0], [0, 0]], label: "b", reason: NO_ROWS, nulls: ["precision", "recall", "f1"] },
  ];

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, testCase) => {
    const metrics = sideMetrics(testCase.confusion, ["a", "b"]).perClass[testCase.label];
    expect(metrics.undefined).toBe(testCase.reason);
    for (const key of ["precision", "recall", "f1"] as const) {
      if (testCase.nulls.includes(key)) {
        expect(metrics[key], key).toBeNull();
      } else {
        expect(metrics[key], key).toBe(0);
      }
    }
  });

  it("copies the input matrix", () => {
    const confusion = [[1, 0], [0, 1]];
    const side = sideMetrics(confusion, ["a", "b"]);
    confusion[0][0] = 99;
    expect(side.confusion.matrix[0][0]).toBe(1);
  });
});

describe("sideMetrics rejects", () => {
  const cases = [
    { name: "no labels", confusion: [], labels: [], message: /class labels are missing/ },
    { name: "repeated label", confusion: [[1, 0], [0, 1]], labels: ["a", "a"], message: /repeat a name/ },
    { name: "row count mismatch", confusion: [[1, 0]], labels: ["a", "b"], message: /1 rows but 2 labels/ },
    { name: "ragged row", confusion: [[1, 0], [1]], labels: ["a", "b"], message: /row 1 \(b\) has 1 columns/ },
    { name: "negative count", confusion: [[1, -1], [0, 1]], labels: ["a", "b"], message: /entry \[0\]\[1\] is -1/ },
    { name: "fractional count", confusion: [[1, 0.5], [0, 1]], labels: ["a", "b"], message: /entry \[0\]\[1\] is 0.5/ },
    { name: "NaN count", confusion: [[NaN, 0], [0, 1]], labels: ["a", "b"], message: /entry \[0\]\[0\] is NaN/ },
    { name: "empty matrix", confusion: [[0, 0], [0, 0]], labels: ["a", "b"], message: /counts no rows/ },
  ];

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, testCase) => {
    expect(() => sideMetrics(testCase.confusion, testCase.labels)).toThrow(RangeError);
    expect(() => sideMetrics(testCase.confusion, testCase.labels)).toThrow(testCase.message);
  });
});

describe("confusionMatrix", () => {
  it("counts true rows by predicted column", () => {
    const matrix = confusionMatrix(Int32Array.from([0, 1, 1, 2, 2, 2]), Int32Array.from([0, 0, 1, 2, 2, 1]), 3);
    expect(matrix).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 1, 2],
    ]);
  });

  it("agrees with sideMetrics example", () => {
    const side = sideMetrics(confusionMatrix([0, 0, 1], [0, 1, 1], 2), ["Benign", "Syn"]);
    expect(side.accuracy).toBeCloseTo(2 / 3, 15);
    expect(side.perClass.Syn.precision).toBe(0.5);
  });

  it("rejects an out-of-range class", () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/row 1 has true class 3/);
  });

  it("rejects vectors of different lengths", () => {
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow(/2 true classes but 1 predicted/);
  });

  it("rejects a zero class count", () => {
    expect(() => confusionMatrix([], [], 0)).toThrow(/class count 0 is invalid/);
  });
});

describe("doc examples", () => {
  it("sideMetrics example", () => {
    const side = sideMetrics([[5, 1], [0, 4]], ["Benign", "Syn"]);
    expect(side.accuracy).toBe(0.9);
    expect(side.perClass.Syn.precision).toBe(0.8);
  });

  it("confusionMatrix example", () => {
    expect(confusionMatrix([0, 1, 1], [0, 0, 1], 2)).toEqual([[1, 0], [1, 1]]);
  });
});
