/**
 * The tables of an experiment report, as rows of formatted cells. The Markdown
 * and terminal renderers lay out the same tables, so both show the same figures.
 */
import { EMPTY_CELL, formatCount, formatFixed, formatSeconds, type Align, type Table } from "./format.ts";
import type { ExperimentReport, ModelResult, RowStep, SideMetrics } from "./report_types.ts";

/** Rows a table describes: training or test. */
export type Side = "train" | "test";

/** Explanation printed once under the first per-class table that shows "n/a". */
export const UNDEFINED_NOTE =
  "n/a marks a figure that is undefined (0/0): precision of a class that no row was predicted as, " +
  "recall of a class with no true rows, and F1 when both apply. " +
  "The macro and weighted averages count it as 0, as scikit-learn's zero_division=0 does.";

/** The accuracy note for reports of the study's recipes; other reports get ACCURACY_NOTE_PLAIN. */
export const ACCURACY_NOTE =
  "Accuracy is the share of rows on the diagonal of the confusion matrix. " +
  'Zinca and Dobrota (2023), the study that flowguard reproduces, call this figure "precision".';

/** The accuracy note without the study reference. */
export const ACCURACY_NOTE_PLAIN = "Accuracy is the share of rows on the diagonal of the confusion matrix.";

/** Returns the accuracy note that fits the report: the study's wording only for its recipes. */
export function accuracyNote(report: ExperimentReport): string {
  return report.study ? ACCURACY_NOTE : ACCURACY_NOTE_PLAIN;
}

/** Number of features in an importance ranking. */
export const TOP_FEATURE_COUNT = 10;

/** Returns the class names in report order: the recipe's classes, then any other class a model saw. */
export function classOrder(report: ExperimentReport): string[] {
  const classes = [...report.recipe.classes];
  for (const model of report.models) {
    for (const side of [model.train, model.test]) {
      for (const label of side.confusion.labels) {
        if (!classes.includes(label)) classes.push(label);
      }
    }
  }
  return classes;
}

/** A per-class table and whether any of its figures is undefined. */
export interface PerClassTable {
  table: Table;
  hasUndefined: boolean;
}

/**
 * Builds the per-class precision / recall / F1 table of one side, one column
 * group per model, closed by macro and weighted averages. Support gets one
 * column when every model saw the same rows, and one column per model otherwise.
 * On the test side a model with study F1 figures gets a "study F1" column.
 */
export function perClassTable(report: ExperimentReport, side: Side, models = report.models): PerClassTable {
  const classes = classOrder(report);
  const sharedSupport = models.every((model) =>
    classes.every((name) => model[side].perClass[name]?.support === models[0][side].perClass[name]?.support),
  );
  const studyF1 = (model: ModelResult) =>
    side === "test" ? report.study?.f1?.find((entry) => entry.model === model.kind)?.perClass : undefined;

  const header = ["class"];
  const align: Align[] = ["left"];
  const groups = [{ label: "", span: 1 }];
  if (sharedSupport) {
    header.push("support");
    align.push("right");
    groups[0].span += 1;
  }
  for (const model of models) {
    const columns = ["precision", "recall", "F1"];
    if (!sharedSupport) columns.unshift("support");
    if (studyF1(model)) columns.push("study F1");
    header.push(...columns);
    align.push(...columns.map((): Align => "right"));
    groups.push({ label: model.name, span: columns.length });
  }

  let hasUndefined = false;
  const rows: string[][] = [];
  const supportCell = (metrics: SideMetrics, name: string) => {
    const support = metrics.perClass[name]?.support;
    return support === undefined ? EMPTY_CELL : formatCount(support);
  };
  for (const name of classes) {
    const row = [name];
    if (sharedSupport) row.push(models.length > 0 ? supportCell(models[0][side], name) : EMPTY_CELL);
    for (const model of models) {
      const metrics = model[side].perClass[name];
      if (!sharedSupport) row.push(supportCell(model[side], name));
      if (metrics === undefined) {
        row.push(EMPTY_CELL, EMPTY_CELL, EMPTY_CELL);
      } else {
        if (metrics.precision === null || metrics.recall === null || metrics.f1 === null) hasUndefined = true;
        row.push(formatFixed(metrics.precision), formatFixed(metrics.recall), formatFixed(metrics.f1));
      }
      const study = studyF1(model);
      if (study) row.push(study[name] === undefined ? EMPTY_CELL : formatFixed(study[name], 2));
    }
    rows.push(row);
  }

  for (const average of ["macro", "weighted"] as const) {
    const row = [`${average} avg`];
    if (sharedSupport) row.push(models.length > 0 ? formatCount(models[0][side].rows) : EMPTY_CELL);
    for (const model of models) {
      const figures = model[side][average];
      if (!sharedSupport) row.push(formatCount(model[side].rows));
      row.push(formatFixed(figures.precision), formatFixed(figures.recall), formatFixed(figures.f1));
      if (studyF1(model)) row.push("");
    }
    rows.push(row);
  }

  return { table: { header, rows, align, groups }, hasUndefined };
}

/** Builds the confusion matrix of one model on one side: true classes down, predicted classes across. */
export function confusionTable(model: ModelResult, side: Side): Table {
  const { labels, matrix } = model[side].confusion;
  return {
    header: ["true class", ...labels],
    align: ["left", ...labels.map((): Align => "right")],
    rows: labels.map((label, index) => [label, ...matrix[index].map(formatCount)]),
  };
}

/** Builds the train/test accuracy table, with the study's figures beside flowguard's when the report has them. */
export function accuracyTable(report: ExperimentReport): Table {
  const study = report.study?.accuracy ?? [];
  const withStudy = report.study !== undefined;
  const header = ["model", "train accuracy", "test accuracy"];
  if (withStudy) header.push("study train", "study test");

  const rows = report.models.map((model) => {
    const row = [model.name, formatFixed(model.train.accuracy), formatFixed(model.test.accuracy)];
    if (withStudy) {
      const published = study.find((entry) => entry.model === model.kind);
      row.push(published === undefined ? EMPTY_CELL : formatFixed(published.train));
      row.push(published === undefined ? EMPTY_CELL : formatFixed(published.test));
    }
    return row;
  });
  for (const entry of study) {
    if (report.models.some((model) => model.kind === entry.model)) continue;
    rows.push([`${entry.model} (study only)`, EMPTY_CELL, EMPTY_CELL, formatFixed(entry.train), formatFixed(entry.test)]);
  }
  return { header, rows, align: header.map((_, column): Align => (column === 0 ? "left" : "right")) };
}

/** Returns a model's `count` most important features, highest first; ties keep the report's order. */
export function topImportances(model: ModelResult, count = TOP_FEATURE_COUNT): { feature: string; importance: number }[] {
  const ranked = (model.importances ?? []).map((entry, index) => ({ entry, index }));
  ranked.sort((a, b) => b.entry.importance - a.entry.importance || a.index - b.index);
  return ranked.slice(0, count).map(({ entry }) => entry);
}

/** Builds the top-10 feature tables of every model with importances side by side, or null when none has them. */
export function importanceTable(report: ExperimentReport): Table | null {
  const models = report.models.filter((model) => (model.importances?.length ?? 0) > 0);
  if (models.length === 0) return null;
  const tops = models.map((model) => topImportances(model));
  const depth = Math.max(...tops.map((top) => top.length));

  const header = ["rank"];
  const align: Align[] = ["right"];
  const groups = [{ label: "", span: 1 }];
  for (const model of models) {
    header.push("feature", "importance");
    align.push("left", "right");
    groups.push({ label: model.name, span: 2 });
  }
  const rows: string[][] = [];
  for (let rank = 0; rank < depth; rank++) {
    const row = [String(rank + 1)];
    for (const top of tops) {
      const entry = top[rank];
      row.push(entry?.feature ?? "", entry ? formatFixed(entry.importance) : "");
    }
    rows.push(row);
  }
  return { header, rows, align, groups };
}

/** Builds the table of input files: one row per raw label, with the class it went to. */
export function inputsTable(report: ExperimentReport): Table {
  const rows: string[][] = [];
  for (const input of report.inputs) {
    const labels = input.rawLabels.length > 0 ? input.rawLabels : [{ label: EMPTY_CELL, rows: 0, class: null }];
    labels.forEach((raw, index) => {
      const first = index === 0;
      rows.push([
        first ? input.side : "",
        first ? input.file : "",
        first ? formatCount(input.rows) : "",
        raw.label,
        formatCount(raw.rows),
        raw.class ?? "(filtered out)",
      ]);
    });
  }
  return {
    header: ["side", "file", "rows", "raw label", "label rows", "class"],
    align: ["left", "left", "right", "left", "right", "left"],
    rows,
  };
}

/** Builds the rows-per-class table of one side: one column per pipeline step, a total row last; `classes` (the recipe's) come first. */
export function rowStepsTable(steps: RowStep[], classes: readonly string[] = []): Table {
  // The recipe's classes come first, in its order, so that both sides list them alike. Raw labels follow as first seen.
  const seen = new Set(steps.flatMap((step) => Object.keys(step.counts)));
  const names = classes.filter((name) => seen.has(name));
  for (const step of steps) {
    for (const name of Object.keys(step.counts)) if (!names.includes(name)) names.push(name);
  }
  const rows = names.map((name) => [
    name,
    ...steps.map((step) => (step.counts[name] === undefined ? EMPTY_CELL : formatCount(step.counts[name]))),
  ]);
  rows.push(["total", ...steps.map((step) => formatCount(step.total))]);
  return {
    header: ["class", ...steps.map((step) => step.step)],
    align: ["left", ...steps.map((): Align => "right")],
    rows,
  };
}

/** Lists the rows each step removed, by reason, e.g. "duplicates: 3,412 (duplicate 3,400, conflict 12)". */
export function removalLines(steps: RowStep[]): string[] {
  const lines: string[] = [];
  for (const step of steps) {
    const reasons = Object.entries(step.removed ?? {});
    if (reasons.length === 0) continue;
    const total = reasons.reduce((sum, [, count]) => sum + count, 0);
    const detail = reasons.map(([reason, count]) => `${reason} ${formatCount(count)}`).join(", ");
    lines.push(`${step.step}: removed ${formatCount(total)} (${detail})`);
  }
  return lines;
}

/** Builds the table of columns holding non-finite values, or null when no column held one. */
export function nonFiniteTable(report: ExperimentReport): Table | null {
  const rows: string[][] = [];
  for (const side of ["train", "test"] as const) {
    for (const [column, counts] of Object.entries(report.cleaning.nonFinite[side])) {
      if (counts.posInf + counts.negInf + counts.missing === 0) continue;
      rows.push([column, side, formatCount(counts.posInf), formatCount(counts.negInf), formatCount(counts.missing)]);
    }
  }
  if (rows.length === 0) return null;
  return { header: ["column", "side", "+Infinity", "-Infinity", "missing"], align: ["left", "left", "right", "right", "right"], rows };
}

/** Returns "N kept, N dropped (N identifier, N constant, ...)" for the feature selection. */
export function featureCountLine(report: ExperimentReport): string {
  const byReason = new Map<string, number>();
  for (const dropped of report.features.dropped) byReason.set(dropped.reason, (byReason.get(dropped.reason) ?? 0) + 1);
  const detail = [...byReason].map(([reason, count]) => `${formatCount(count)} ${reason}`).join(", ");
  return `${formatCount(report.features.kept.length)} features kept, ${formatCount(report.features.dropped.length)} dropped` +
    (detail === "" ? "" : ` (${detail})`);
}

/** Returns a loader warning with its place, unless the message already names the file. */
export function warningText(warning: { file: string; line: number; message: string }): string {
  if (warning.message.includes(warning.file)) return warning.message;
  const where = warning.line > 0 ? `${warning.file}, line ${warning.line}` : warning.file;
  return `${where}: ${warning.message}`;
}

/** Returns one line per cleaning figure: duplicates, conflicts, overlap between sides, skipped rows. */
export function cleaningLines(report: ExperimentReport): string[] {
  const cleaning = report.cleaning;
  const { removed, conflicts, conflictPolicy } = cleaning.duplicates;
  const policy =
    cleaning.nonFinitePolicy === "drop"
      ? "drop (rows holding +Infinity, -Infinity or a missing value are removed)"
      : `impute (${formatCount(cleaning.imputed.values)} non-finite values replaced by column medians, largest or smallest finite values)`;
  return [
    `non-finite values: ${policy}`,
    `duplicate rows removed: train ${formatCount(removed.train)}, test ${formatCount(removed.test)}`,
    `conflicting duplicates (equal features, different class): train ${formatCount(conflicts.train)}, ` +
      `test ${formatCount(conflicts.test)}; policy: ${conflictPolicy}`,
    `test rows equal to a training row: ${formatCount(cleaning.testRowsEqualToTrainRows)}`,
    `skipped rows: repeated header ${formatCount(cleaning.skippedRows.repeatedHeader)}, ` +
      `empty ${formatCount(cleaning.skippedRows.emptyRow)}`,
    `warnings: ${formatCount(cleaning.warnings.length)}`,
  ];
}

/** Builds the table of dropped features with reason, partner and Pearson r, or null when none was dropped. */
export function droppedFeaturesTable(report: ExperimentReport): Table | null {
  if (report.features.dropped.length === 0) return null;
  return {
    header: ["feature", "reason", "partner", "r", "value"],
    align: ["left", "left", "left", "right", "right"],
    rows: report.features.dropped.map((dropped) => [
      dropped.feature,
      dropped.reason,
      dropped.partner ?? "",
      dropped.r === undefined ? "" : formatFixed(dropped.r),
      dropped.value === undefined ? "" : String(dropped.value),
    ]),
  };
}

/** Builds the per-feature statistics table of the training rows, or null when there are none. */
export function featureSummaryTable(report: ExperimentReport): Table | null {
  const entries = Object.entries(report.features.summary ?? {});
  if (entries.length === 0) return null;
  return {
    header: ["feature", "min", "max", "mean", "std"],
    align: ["left", "right", "right", "right", "right"],
    rows: entries.map(([feature, s]) => [feature, formatValue(s.min), formatValue(s.max), formatValue(s.mean), formatValue(s.std)]),
  };
}

/** Formats a feature statistic: integers in full, other values with 6 significant digits. */
function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(6);
}

/** Builds the table of seconds per pipeline step. */
export function timingsTable(report: ExperimentReport): Table {
  return {
    header: ["step", "time"],
    align: ["left", "right"],
    rows: Object.entries(report.timings).map(([step, seconds]) => [step, formatSeconds(seconds)]),
  };
}
