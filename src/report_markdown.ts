/**
 * The Markdown rendering of an experiment report: a document to paste into a
 * lab notebook or an issue, laid out like the tables of the study it reproduces.
 */
import { formatCount, renderMarkdownTable, type Table } from "./format.ts";
import {
  accuracyNote,
  featureCountLine,
  warningText,
  accuracyTable,
  cleaningLines,
  confusionTable,
  droppedFeaturesTable,
  featureSummaryTable,
  importanceTable,
  inputsTable,
  nonFiniteTable,
  perClassTable,
  removalLines,
  rowStepsTable,
  timingsTable,
  TOP_FEATURE_COUNT,
  UNDEFINED_NOTE,
  type Side,
} from "./report_tables.ts";
import type { ExperimentReport } from "./report_types.ts";

/** Number of loader warnings listed in full; the rest are counted. */
const LISTED_WARNING_COUNT = 50;

/**
 * Renders a report as a Markdown document: recipe, inputs, rows per step,
 * cleaning, features, then per-class precision/recall/F1, confusion matrices,
 * train/test accuracy and the most important features of each tree model.
 *
 * Figures have 4 decimals and counts have thousands separators. An undefined
 * figure reads "n/a", and a note under the first table that shows it explains
 * how the averages count it.
 *
 * @example
 * const markdown = reportMarkdown(report);
 * markdown.startsWith("# flowguard experiment: "); // true
 */
export function reportMarkdown(report: ExperimentReport): string {
  const blocks: string[] = [];
  const push = (...parts: string[]) => blocks.push(...parts);

  push(`# flowguard experiment: ${report.recipe.name}`);
  if (report.recipe.description !== "") push(report.recipe.description);
  push(recipeList(report));

  push("## Inputs", table(inputsTable(report)));

  push("## Rows per class");
  for (const side of ["train", "test"] as const) {
    const steps = report.rows[side];
    push(`### ${sideTitle(side)}`);
    if (steps.length === 0) {
      push("No steps recorded.");
      continue;
    }
    push(table(rowStepsTable(steps, report.recipe.classes)));
    const removals = removalLines(steps);
    if (removals.length > 0) push(bullets(removals));
  }

  push("## Cleaning", bullets(cleaningLines(report)));
  const nonFinite = nonFiniteTable(report);
  push("### Non-finite values per column", nonFinite ? table(nonFinite) : "No column held a non-finite value.");
  const warnings = report.cleaning.warnings;
  if (warnings.length > 0) {
    const listed = warnings.slice(0, LISTED_WARNING_COUNT).map(warningText);
    if (warnings.length > LISTED_WARNING_COUNT) {
      listed.push(`and ${formatCount(warnings.length - LISTED_WARNING_COUNT)} more; report.json lists every warning`);
    }
    push("### Warnings", bullets(listed));
  }

  push("## Features");
  push(
    `${featureCountLine(report)}. ` +
      `Correlation filter: a feature is dropped when its Pearson |r| with a kept earlier feature exceeds ${report.features.threshold}.`,
  );
  if (report.features.kept.length > 0) push(`Kept: ${report.features.kept.map(code).join(", ")}.`);
  const dropped = droppedFeaturesTable(report);
  if (dropped) push("### Dropped features", table(dropped));
  const summary = featureSummaryTable(report);
  if (summary) push("### Training rows per feature", "Before feature selection.", table(summary));

  push("## Results");
  if (report.models.length === 0) {
    push("No model was trained.");
  } else {
    let undefinedExplained = false;
    for (const side of ["test", "train"] as const) {
      const perClass = perClassTable(report, side);
      push(`### Precision, recall and F1 per class, ${sideTitle(side).toLowerCase()}`, table(perClass.table));
      if (perClass.hasUndefined && !undefinedExplained) {
        push(UNDEFINED_NOTE);
        undefinedExplained = true;
      }
    }

    push("### Confusion matrices, test rows", "Rows are true classes and columns are predicted classes.");
    for (const model of report.models) push(`#### ${model.name}`, table(confusionTable(model, "test")));

    push("### Accuracy", table(accuracyTable(report)), accuracyNote(report));
    if (report.study) push(`Study figures: ${report.study.source}.`);

    const importances = importanceTable(report);
    if (importances) push(`### ${TOP_FEATURE_COUNT} most important features`, table(importances));
  }

  if (Object.keys(report.timings).length > 0) push("## Timings", table(timingsTable(report)));
  if (report.notes.length > 0) push("## Notes", bullets(report.notes));

  return `${blocks.join("\n\n")}\n`;
}

function recipeList(report: ExperimentReport): string {
  const recipe = report.recipe;
  const lines = [
    `flowguard ${report.flowguard.version} on ${report.flowguard.runtime}`,
    `recipe: ${code(recipe.name)}`,
    `label map: ${code(recipe.labels)}`,
    `classes: ${recipe.classes.join(", ")}`,
    `seed: ${recipe.seed}`,
  ];
  if (recipe.split !== undefined) lines.push(`split: ${recipe.split}`);
  return bullets(lines);
}

function sideTitle(side: Side): string {
  return side === "train" ? "Training rows" : "Test rows";
}

function table(content: Table): string {
  return renderMarkdownTable(content);
}

function bullets(lines: string[]): string {
  return lines.map((line) => `- ${line}`).join("\n");
}

function code(text: string): string {
  return text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``;
}
