/**
 * The terminal rendering of an experiment report: aligned plain-text tables and
 * a bar chart of feature importances drawn with block characters.
 */
import { drawBar, formatCount, formatFixed, renderTextTable, truncate, wrapText } from "./format.ts";
import {
  accuracyNote,
  featureCountLine,
  warningText,
  accuracyTable,
  cleaningLines,
  confusionTable,
  droppedFeaturesTable,
  inputsTable,
  nonFiniteTable,
  perClassTable,
  removalLines,
  rowStepsTable,
  timingsTable,
  topImportances,
  TOP_FEATURE_COUNT,
  UNDEFINED_NOTE,
} from "./report_tables.ts";
import type { ExperimentReport, ModelResult } from "./report_types.ts";

/** Options of `reportTerminal`. */
export interface TerminalOptions {
  /** Columns available; sets the bar length and when the per-class table splits by model. Default 100. */
  width?: number;
  /** Whether to add ANSI bold to headings and color to bars. Default false. */
  color?: boolean;
}

const DEFAULT_WIDTH = 100;
/** Narrowest width the layout supports; a smaller request is raised to it. */
const MIN_WIDTH = 40;
/** Maximum width of a feature name beside a bar. Longer names are cut and end with "…". */
const MAX_LABEL_WIDTH = 32;
/** Loader warnings listed in full; the rest are counted. */
const LISTED_WARNING_COUNT = 10;

const BOLD = "\u001b[1m";
const CYAN = "\u001b[36m";
const RESET = "\u001b[0m";

/**
 * Renders a report as terminal text: the tables of `reportMarkdown` with
 * aligned columns, and a bar chart of each tree model's ten most important
 * features, the top feature's bar spanning the full bar width.
 *
 * The per-class table puts all models side by side when that fits in
 * `width`, and prints one table per model otherwise. Other tables are never
 * wrapped or cut, so a wide confusion matrix can exceed `width`.
 *
 * @example
 * reportTerminal(report, { width: 80 }); // no ANSI escapes unless color is true
 */
export function reportTerminal(report: ExperimentReport, options: TerminalOptions = {}): string {
  const width = Math.max(MIN_WIDTH, Math.floor(options.width ?? DEFAULT_WIDTH));
  const color = options.color ?? false;
  const heading = (text: string) => (color ? `${BOLD}${text}${RESET}` : text) + "\n" + "═".repeat(Math.min(width, text.length));
  const subheading = (text: string) => (color ? `${BOLD}${text}${RESET}` : text);

  const blocks: string[] = [];
  const push = (...parts: string[]) => blocks.push(...parts);

  push(heading(`flowguard experiment: ${report.recipe.name}`));
  const recipe = report.recipe;
  const split = recipe.split === undefined ? "" : `, split ${recipe.split}`;
  push(
    [
      `flowguard ${report.flowguard.version} on ${report.flowguard.runtime}`,
      `label map ${recipe.labels}, seed ${recipe.seed}${split}`,
      `classes: ${recipe.classes.join(", ")}`,
    ].join("\n"),
  );

  push(heading("Inputs"), renderTextTable(inputsTable(report)));

  push(heading("Rows per class"));
  for (const side of ["train", "test"] as const) {
    const steps = report.rows[side];
    if (steps.length === 0) continue;
    const removals = removalLines(steps).map((line) => `  ${line}`);
    push([subheading(side === "train" ? "Training rows" : "Test rows"), renderTextTable(rowStepsTable(steps, report.recipe.classes)), ...removals].join("\n"));
  }

  push(heading("Cleaning"), cleaningLines(report).join("\n"));
  const nonFinite = nonFiniteTable(report);
  if (nonFinite) push(renderTextTable(nonFinite));
  const warnings = report.cleaning.warnings;
  if (warnings.length > 0) {
    const listed = warnings.slice(0, LISTED_WARNING_COUNT).map((warning) => `  ${warningText(warning)}`);
    if (warnings.length > LISTED_WARNING_COUNT) listed.push(`  and ${formatCount(warnings.length - LISTED_WARNING_COUNT)} more`);
    push(listed.join("\n"));
  }

  push(
    heading("Features"),
    `${featureCountLine(report)}; Pearson |r| threshold ${report.features.threshold}`,
  );
  const dropped = droppedFeaturesTable(report);
  if (dropped) push(renderTextTable(dropped));

  if (report.models.length === 0) {
    push(heading("Results"), "No model was trained.");
    return `${blocks.join("\n\n")}\n`;
  }

  push(heading("Precision, recall and F1 per class, test rows"));
  const combined = perClassTable(report, "test");
  const combinedText = renderTextTable(combined.table);
  if (widestLine(combinedText) <= width || report.models.length === 1) {
    push(combinedText);
  } else {
    for (const model of report.models) push(renderTextTable(perClassTable(report, "test", [model]).table));
  }
  if (combined.hasUndefined) push(wrapText(UNDEFINED_NOTE, width));

  push(heading("Confusion matrices, test rows (rows true, columns predicted)"));
  for (const model of report.models) push(`${subheading(model.name)}\n${renderTextTable(confusionTable(model, "test"))}`);

  push(heading("Accuracy"), renderTextTable(accuracyTable(report)), wrapText(accuracyNote(report), width));
  if (report.study) push(wrapText(`Study figures: ${report.study.source}.`, width));

  for (const model of report.models) {
    const chart = importanceChart(model, width, color);
    if (chart !== "") push(heading(`${TOP_FEATURE_COUNT} most important features, ${model.name}`), chart);
  }

  if (Object.keys(report.timings).length > 0) push(heading("Timings"), renderTextTable(timingsTable(report)));
  if (report.notes.length > 0) push(heading("Notes"), report.notes.map((note) => wrapText(note, width)).join("\n"));

  return `${blocks.join("\n\n")}\n`;
}

/**
 * Draws one bar per top feature, scaled so that the most important feature's
 * bar fills the bar width; returns "" for a model without importances.
 */
function importanceChart(model: ModelResult, width: number, color: boolean): string {
  const top = topImportances(model);
  if (top.length === 0) return "";
  const labelWidth = Math.min(MAX_LABEL_WIDTH, Math.max(...top.map((entry) => entry.feature.length)));
  const values = top.map((entry) => formatFixed(entry.importance));
  const valueWidth = Math.max(...values.map((value) => value.length));
  const barWidth = Math.max(10, width - labelWidth - valueWidth - 4);
  const maxImportance = top[0].importance;

  return top
    .map((entry, index) => {
      const fraction = maxImportance > 0 ? entry.importance / maxImportance : 0;
      const bar = drawBar(fraction, barWidth);
      const paddedBar = bar.padEnd(barWidth);
      const shownBar = color ? `${CYAN}${bar}${RESET}${paddedBar.slice(bar.length)}` : paddedBar;
      const label = truncate(entry.feature, labelWidth).padEnd(labelWidth);
      return `${label}  ${shownBar}  ${values[index].padStart(valueWidth)}`;
    })
    .join("\n");
}

function widestLine(text: string): number {
  return Math.max(...text.split("\n").map((line) => line.length));
}
