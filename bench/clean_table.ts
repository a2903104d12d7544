/**
 * The benchmark's cleaning of the grown file, shared by the preparation
 * (Node) and by the clean step in Node and in Chromium, so it imports no
 * Node module.
 */
import { applyNonFinitePolicy, type NonFiniteResult } from "../src/clean.ts";
import { dropDuplicates, type DuplicateResult } from "../src/dedupe.ts";
import { applyLabels, labelMapByName, type LabelAssignment } from "../src/labels.ts";
import { builtInRecipe } from "../src/recipe.ts";
import type { FlowTable } from "../src/table.ts";

/** The study's dataset-1 classes, in the order its tables use. */
export const BENCH_CLASSES: readonly string[] = builtInRecipe("sample").classes;

/** The cleaning stages of the benchmark: label map and class filter, drop non-finite rows, drop duplicates. */
export interface CleanedTable {
  labels: LabelAssignment;
  finite: NonFiniteResult;
  duplicates: DuplicateResult;
}

/** Applies the study's label map and classes, drops rows with non-finite features, then drops duplicates. */
export function cleanTable(table: FlowTable): CleanedTable {
  const labels = applyLabels(table, labelMapByName("study"), [...BENCH_CLASSES]);
  const finite = applyNonFinitePolicy(table, labels.rows, "drop");
  const duplicates = dropDuplicates(finite.table, finite.rows, labels.classIndex, "keep");
  return { labels, finite, duplicates };
}
