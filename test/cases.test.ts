// The problem inputs in test/data/cases run through the whole pipeline;
// test/data/cases/README.md gives the behaviour each must show. Loading and
// single-stage behaviour are tested with their modules; this file checks
// what only shows end to end.
import { beforeAll, describe, expect, it } from "vitest";
import { readCsv } from "../src/csv.ts";
import { runExperiment } from "../src/experiment.ts";
import type { ModelKind } from "../src/model.ts";
import type { ResolvedRecipe } from "../src/recipe.ts";
import { selectFeatures } from "../src/train.ts";
import type { Core } from "../src/wasm.ts";
import { fileSource, loadCore } from "./support/platform.ts";

const CASES = "test/data/cases";

let core: Core;
beforeAll(async () => {
  core = await loadCore();
});

function recipe(file: string, classes: string[], overrides: Partial<ResolvedRecipe> = {}): ResolvedRecipe {
  return {
    name: file,
    description: "",
    trainFiles: [`${CASES}/${file}`],
    testFiles: [],
    split: 0.5,
    classes,
    labels: "study",
    seed: 0,
    nonFinite: "drop",
    conflicts: "keep",
    correlationThreshold: 0.97,
    ...overrides,
  };
}

function run(r: ResolvedRecipe, models: ModelKind[] = ["gnb", "dt", "rf", "lr"]) {
  return runExperiment(r, { core, open: fileSource, runtime: "test", models, modelOptions: { rf: { trees: 5 } } });
}

describe("duplicate-column-ids2017", () => {
  it("keeps one Fwd Header Length after the correlation filter", async () => {
    const table = await readCsv(fileSource(`${CASES}/duplicate-column-ids2017.csv`));
    const rows = Uint32Array.from({ length: table.rowCount }, (_, i) => i);
    const selection = selectFeatures(core, table, rows, table, 0.97);
    const kept = selection.kept.filter((name) => name.startsWith("Fwd Header Length"));
    expect(kept).toEqual(["Fwd Header Length"]);
    const copy = selection.dropped.find((d) => d.feature === "Fwd Header Length.1");
    expect(copy).toEqual({ feature: "Fwd Header Length.1", reason: "correlated", partner: "Fwd Header Length", r: 1 });
    selection.trainMatrix.free();
  });
});

describe("split-flow-duplicates", () => {
  for (const seed of [0, 1, 2, 3, 4, 5, 6, 7]) {
    it(`leaves no test row equal to a training row, seed ${seed}`, async () => {
      const result = await run(recipe("split-flow-duplicates.csv", ["Benign", "Syn", "NetBIOS", "Portmap"], { seed, split: 0.4 }), ["dt"]);
      const cleaning = result.report.cleaning;
      expect(cleaning.duplicates.removed.train).toBe(1);
      expect(cleaning.duplicates.conflicts.train).toBe(1);
      expect(cleaning.testRowsEqualToTrainRows).toBe(0);
      const dedupeStep = result.report.rows.train.find((s) => s.step === "duplicates")!;
      expect(dedupeStep.total).toBe(5);
      result.dataset.free();
    });
  }
});

describe("negative-sentinels-ids2017", () => {
  it("trains every classifier on negative values", async () => {
    const result = await run(recipe("negative-sentinels-ids2017.csv", ["Benign", "DDoS"]));
    expect(result.report.models.map((m) => m.kind)).toEqual(["gnb", "dt", "rf", "lr"]);
    for (const model of result.report.models) {
      expect(Number.isFinite(model.train.accuracy)).toBe(true);
      expect(Number.isFinite(model.test.accuracy)).toBe(true);
    }
    result.dataset.free();
  });

  it("shows the minima in the summary", async () => {
    // The same file on both sides, so the training summary covers all 4 rows.
    const file = `${CASES}/negative-sentinels-ids2017.csv`;
    const result = await run(recipe("negative-sentinels-ids2017.csv", ["Benign", "DDoS"], { split: null, testFiles: [file] }), ["gnb"]);
    const summary = result.report.features.summary;
    expect(summary["Flow Duration"].min).toBe(-13);
    expect(summary["Init_Win_bytes_forward"].min).toBe(-1);
    expect(result.report.rows.train.at(-1)!.total).toBe(4);
    result.dataset.free();
  });
});

describe("repeated-header-ids2018", () => {
  it("reports the skipped header line in the report", async () => {
    const result = await run(
      recipe("repeated-header-ids2018.csv", ["Benign", "Infilteration"], { nonFinite: "impute" }),
      ["gnb"],
    );
    const cleaning = result.report.cleaning;
    expect(cleaning.skippedRows.repeatedHeader).toBe(1);
    expect(cleaning.warnings).toHaveLength(1);
    expect(cleaning.warnings[0].line).toBe(4);
    expect(cleaning.nonFinite.train["Flow Byts/s"].missing).toBe(1);
    expect(cleaning.imputed.values).toBe(2);
    result.dataset.free();
  });
});
