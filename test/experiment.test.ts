import { beforeAll, describe, expect, it } from "vitest";
import { correlationMatrix } from "../src/correlation.ts";
import { runExperiment, type ExperimentResult } from "../src/experiment.ts";
import { GaussianNB } from "../src/gaussian_nb.ts";
import { LogisticRegression } from "../src/logistic_regression.ts";
import type { ModelKind } from "../src/model.ts";
import { resolveStudyRecipe } from "../src/recipe.ts";
import { LabelVector, type Core } from "../src/wasm.ts";
import { exists, fileSource, loadCore, readJson, recipeFileSystem } from "./support/platform.ts";

// Written by `npm run reference`: scikit-learn 1.2.1 trained on the rows this experiment exports.
const FIXTURE = "test/fixtures/experiment/sample.json";
const fixture = await readJson(FIXTURE);

let core: Core;
let result: ExperimentResult;

beforeAll(async () => {
  core = await loadCore();
  const recipe = await resolveStudyRecipe(recipeFileSystem, "sample", "data/sample");
  result = await runExperiment(recipe, { core, open: fileSource, runtime: "test" });
});

const modelOf = (kind: ModelKind) => result.report.models.find((m) => m.kind === kind)!;

describe("sample experiment input", () => {
  it("has the reference's rows and features", async () => {
    expect(await exists(FIXTURE)).toBe(true);
    expect(result.dataset.train.matrix.rows).toBe(fixture.rows.train);
    expect(result.dataset.test.matrix.rows).toBe(fixture.rows.test);
    expect(result.dataset.featureNames).toEqual(fixture.featureNames);
    expect(result.dataset.classNames).toEqual(fixture.classNames);
  });

  it("matches the reference correlation matrix within 1e-9", () => {
    const r = correlationMatrix(core, result.dataset.train.matrix);
    const expected: number[][] = fixture.correlation;
    let worst = 0;
    expected.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - r[i * row.length + j])))));
    expect(worst).toBeLessThan(1e-9);
  });
});

describe("sample experiment against scikit-learn", () => {
  it("decision tree predicts identically", () => {
    const dt = modelOf("dt");
    expect(dt.test.accuracy).toBe(fixture.models.dt.test.accuracy);
    expect(dt.train.accuracy).toBe(fixture.models.dt.train.accuracy);
    expect(dt.test.confusion.matrix).toEqual(fixture.models.dt.test.confusion);
  });

  for (const kind of ["dt", "rf"] as const) {
    it(`${kind} per-class F1 within 0.02`, () => {
      const model = modelOf(kind);
      result.dataset.classNames.forEach((name, c) => {
        const f1 = model.test.perClass[name].f1 ?? 0;
        expect(Math.abs(f1 - fixture.models[kind].test.f1[c])).toBeLessThanOrEqual(0.02);
      });
    });
  }

  it("random forest test accuracy within 0.005", () => {
    expect(Math.abs(modelOf("rf").test.accuracy - fixture.models.rf.test.accuracy)).toBeLessThanOrEqual(0.005);
  });

  it("Gaussian NB probabilities within 1e-6", () => {
    const k = result.dataset.classNames.length;
    const y = LabelVector.upload(core, result.dataset.train.classIndex, k);
    const proba = new GaussianNB(core).fit(result.dataset.train.matrix, y).predictProba(result.dataset.test.matrix);
    const stride = fixture.probaStride;
    fixture.models.gnb.testProba.forEach((row: number[], i: number) => {
      row.forEach((p, c) => expect(Math.abs(proba[i * stride * k + c] - p)).toBeLessThan(1e-6));
    });
    expect(modelOf("gnb").test.accuracy).toBe(fixture.models.gnb.test.accuracy);
  });

  it("logistic regression probabilities within 1e-4", () => {
    const k = result.dataset.classNames.length;
    const y = LabelVector.upload(core, result.dataset.train.classIndex, k);
    const proba = new LogisticRegression(core).fit(result.dataset.train.matrix, y).predictProba(result.dataset.test.matrix);
    const stride = fixture.probaStride;
    let worst = 0;
    fixture.models.lr.testProba.forEach((row: number[], i: number) => {
      row.forEach((p, c) => (worst = Math.max(worst, Math.abs(proba[i * stride * k + c] - p))));
    });
    expect(worst).toBeLessThan(1e-4);
  });
});

describe("sample experiment report", () => {
  it("counts rows through every step", () => {
    const steps = result.report.rows.train.map((s) => s.step);
    expect(steps).toEqual(["loaded", "label map and class filter", "non-finite values", "duplicates", "split 80/20"]);
    const loaded = result.report.rows.train[0];
    expect(loaded.total).toBe(48_210);
    const last = (side: "train" | "test") => result.report.rows[side].at(-1)!.total;
    expect(last("train")).toBe(fixture.rows.train);
    expect(last("test")).toBe(fixture.rows.test);
  });

  it("lists every file's raw labels and their classes", () => {
    const dns = result.report.inputs.find((i) => i.file.endsWith("DrDOS_DNS.csv.gz"))!;
    expect(dns.rawLabels).toEqual([
      { label: "DrDoS_DNS", rows: 2603, class: null },
      { label: "BENIGN", rows: 507, class: "Benign" },
    ]);
  });

  it("lists dropped features with reasons", () => {
    const dropped = result.report.features.dropped;
    expect(dropped.filter((d) => d.reason === "identifier").map((d) => d.feature)).toContain("SimillarHTTP");
    const correlated = dropped.filter((d) => d.reason === "correlated");
    expect(correlated.length).toBeGreaterThan(0);
    for (const d of correlated) expect(Math.abs(d.r!)).toBeGreaterThan(0.97);
    expect(dropped.find((d) => d.feature === "Fwd Header Length.1")).toMatchObject({ reason: "correlated", partner: "Fwd Header Length" });
  });

  it("has no test row equal to a training row", () => {
    // Duplicates go before the split, and label conflicts (equal features,
    // different class) stay on one side of it.
    const cleaning = result.report.cleaning;
    expect(cleaning.duplicates.conflicts.train).toBe(230);
    expect(cleaning.testRowsEqualToTrainRows).toBe(0);
  });
});

describe("experiment report of workers", () => {
  it("counts the reading pool without a forest", async () => {
    const recipe = await resolveStudyRecipe(recipeFileSystem, "sample", "data/sample");
    const unused = async () => {
      throw new Error("the sample's gzip files are read on one thread");
    };
    const run = await runExperiment(recipe, { core, open: fileSource, runtime: "test", models: ["gnb"], csv: { pool: { size: 3, run: unused } } });
    expect(run.report.flowguard.workers).toBe(3);
    expect(result.report.flowguard.workers).toBe(1);
    run.dataset.free();
  });
});
