/**
 * Export of the rows an experiment trained and tested on, as CSV, so that
 * an independent implementation (reference/experiment.py runs scikit-learn)
 * can train on exactly the same float32 values, split and features.
 */
import type { PreparedDataset } from "./experiment.ts";
import type { ResolvedRecipe } from "./recipe.ts";

/** Formats one side as CSV: the kept features, then the class index in a column named `class`. */
function sideCsv(featureNames: string[], matrix: PreparedDataset["train"]["matrix"], classIndex: Int32Array): string {
  const columns = featureNames.map((_, j) => matrix.column(j).slice());
  const lines: string[] = [[...featureNames.map((n) => JSON.stringify(n)), "class"].join(",")];
  const row: string[] = new Array(featureNames.length + 1);
  for (let i = 0; i < matrix.rows; i++) {
    // String(float32 widened to float64) is the shortest text that parses back to the same value.
    for (let j = 0; j < columns.length; j++) row[j] = String(columns[j][i]);
    row[columns.length] = String(classIndex[i]);
    lines.push(row.join(","));
  }
  return lines.join("\n") + "\n";
}

/** Returns the files `train.csv`, `test.csv` and `meta.json` describing `dataset`. */
export function exportDatasetCsv(dataset: PreparedDataset, recipe: ResolvedRecipe): Record<string, string> {
  return {
    "train.csv": sideCsv(dataset.featureNames, dataset.train.matrix, dataset.train.classIndex),
    "test.csv": sideCsv(dataset.featureNames, dataset.test.matrix, dataset.test.classIndex),
    "meta.json": JSON.stringify(
      { recipe: recipe.name, seed: recipe.seed, featureNames: dataset.featureNames, classNames: dataset.classNames },
      null,
      2,
    ) + "\n",
  };
}
