/**
 * DOM rendering of an experiment report for the demo page. The tables come
 * from src/report_tables.ts, the same builders that the Markdown and
 * terminal reports use, so the page shows the figures the CLI prints.
 *
 * Rows carry `data-row` (the first cell's text) and cells carry
 * `data-column` (the header's text), so tests and scripts can find a figure
 * without depending on the layout.
 */
import { formatCount, formatFixed, formatSeconds, type Table } from "../../src/format.ts";
import {
  ACCURACY_NOTE,
  accuracyTable,
  droppedFeaturesTable,
  perClassTable,
  removalLines,
  topImportances,
  UNDEFINED_NOTE,
} from "../../src/report_tables.ts";
import type { ExperimentReport, ModelResult } from "../../src/report_types.ts";

/** Creates an element with optional class name and text. */
function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Renders a report table as an HTML table with a caption. The first column
 * contains row headers, and right-aligned columns get the class "number".
 */
export function renderTable(table: Table, caption: string, className: string): HTMLTableElement {
  const node = element("table", className);
  node.append(element("caption", undefined, caption));
  const head = element("thead");
  if (table.groups && table.groups.some((group) => group.label !== "")) {
    const groupRow = element("tr");
    for (const group of table.groups) {
      const cell = element("th", undefined, group.label);
      cell.colSpan = group.span;
      if (group.label !== "") cell.scope = "colgroup";
      groupRow.append(cell);
    }
    head.append(groupRow);
  }
  const headerRow = element("tr");
  table.header.forEach((name, column) => {
    const cell = element("th", table.align[column] === "right" ? "number" : undefined, name);
    cell.scope = "col";
    headerRow.append(cell);
  });
  head.append(headerRow);

  const body = element("tbody");
  for (const row of table.rows) {
    const tr = element("tr");
    tr.dataset.row = row[0];
    row.forEach((text, column) => {
      const cell = element(column === 0 ? "th" : "td", table.align[column] === "right" ? "number" : undefined, text);
      if (column === 0) (cell as HTMLTableCellElement).scope = "row";
      cell.dataset.column = table.header[column];
      tr.append(cell);
    });
    body.append(tr);
  }
  node.append(head, body);
  return node;
}

/**
 * Renders a confusion matrix as a heatmap table: true classes down,
 * predicted classes across, each cell shaded by its share of the true
 * class's rows, so that a small class's errors show as clearly as a large one's.
 */
export function renderConfusion(model: ModelResult, side: "train" | "test"): HTMLTableElement {
  const { labels, matrix } = model[side].confusion;
  const node = element("table", "confusion");
  node.dataset.model = model.kind;
  node.append(
    element("caption", undefined, `Confusion matrix, ${side} rows: true class down, predicted class across; shade = share of the row`),
  );

  const head = element("thead");
  const axisRow = element("tr");
  const corner = element("td");
  const predictedAxis = element("th", "axis", "predicted class");
  predictedAxis.colSpan = labels.length;
  predictedAxis.scope = "colgroup";
  axisRow.append(corner, predictedAxis);
  const labelRow = element("tr");
  const trueAxis = element("th", "axis", "true class");
  trueAxis.scope = "col";
  labelRow.append(trueAxis);
  for (const label of labels) {
    const cell = element("th", "number", label);
    cell.scope = "col";
    labelRow.append(cell);
  }
  head.append(axisRow, labelRow);

  const body = element("tbody");
  labels.forEach((trueLabel, row) => {
    const tr = element("tr");
    tr.dataset.row = trueLabel;
    const rowHeader = element("th", undefined, trueLabel);
    rowHeader.scope = "row";
    tr.append(rowHeader);
    const rowTotal = matrix[row].reduce((sum, count) => sum + count, 0);
    labels.forEach((predictedLabel, column) => {
      const count = matrix[row][column];
      const share = rowTotal > 0 ? count / rowTotal : 0;
      const cell = element("td", "number", formatCount(count));
      cell.dataset.column = predictedLabel;
      cell.style.setProperty("--share", share.toFixed(4));
      if (share > 0.5) cell.classList.add("dark");
      cell.title = `${formatCount(count)} of ${formatCount(rowTotal)} ${trueLabel} rows predicted as ${predictedLabel} (${(share * 100).toFixed(1)}%)`;
      tr.append(cell);
    });
    body.append(tr);
  });
  node.append(head, body);
  return node;
}

/** Renders a model's ten most important features as a bar chart in a table: feature, bar, importance. */
export function renderImportances(model: ModelResult): HTMLTableElement {
  const top = topImportances(model);
  const largest = Math.max(...top.map((entry) => entry.importance), Number.MIN_VALUE);
  const node = element("table", "importances");
  node.dataset.model = model.kind;
  node.append(element("caption", undefined, `${model.name}: ${top.length} most important features (impurity-based)`));
  const body = element("tbody");
  for (const entry of top) {
    const tr = element("tr");
    tr.dataset.row = entry.feature;
    const name = element("th", undefined, entry.feature);
    name.scope = "row";
    const barCell = element("td", "bar-cell");
    const bar = element("div", "bar");
    bar.style.width = `${((entry.importance / largest) * 100).toFixed(1)}%`;
    bar.setAttribute("aria-hidden", "true");
    barCell.append(bar);
    const value = element("td", "number", formatFixed(entry.importance));
    value.dataset.column = "importance";
    tr.append(name, barCell, value);
    body.append(tr);
  }
  node.append(body);
  return node;
}

/** Returns the row total after the last step of one side. */
function finalRows(report: ExperimentReport, side: "train" | "test"): number {
  const steps = report.rows[side];
  return steps.length > 0 ? steps[steps.length - 1].total : 0;
}

function renderSummary(report: ExperimentReport, seconds: number): HTMLElement {
  const section = element("section", "summary");
  section.append(element("h2", undefined, "Summary"));
  section.append(element("p", undefined, report.recipe.description));
  const kept = report.features.kept.length;
  const dropped = report.features.dropped.length;
  section.append(
    element(
      "p",
      undefined,
      `${report.inputs.length} input ${report.inputs.length === 1 ? "file" : "files"}. Trained on ${formatCount(finalRows(report, "train"))} rows, tested on ` +
        `${formatCount(finalRows(report, "test"))} rows, with ${kept} features (${dropped} dropped). ` +
        `The run took ${formatSeconds(seconds)} in a worker.`,
    ),
  );
  const removals = element("ul", "removals");
  for (const line of removalLines(report.rows.train)) removals.append(element("li", undefined, `training side, ${line}`));
  if (report.recipe.split === undefined) {
    for (const line of removalLines(report.rows.test)) removals.append(element("li", undefined, `test side, ${line}`));
  }
  section.append(removals);
  return section;
}

function renderAccuracy(report: ExperimentReport): HTMLElement {
  const section = element("section", "accuracy");
  section.append(element("h2", undefined, "Accuracy"));
  section.append(renderTable(accuracyTable(report), "Train and test accuracy per model", "accuracy-table"));
  section.append(element("p", "note", ACCURACY_NOTE));
  return section;
}

function renderModel(report: ExperimentReport, model: ModelResult): HTMLElement {
  const section = element("section", "model");
  section.dataset.model = model.kind;
  section.append(element("h3", undefined, model.name));
  const { table, hasUndefined } = perClassTable(report, "test", [model]);
  const figures = element("div");
  figures.append(renderTable({ ...table, groups: undefined }, "Per-class figures, test rows", "per-class"));
  if (hasUndefined) figures.append(element("p", "note", UNDEFINED_NOTE));
  section.append(figures, renderConfusion(model, "test"));
  return section;
}

function renderImportanceSection(report: ExperimentReport): HTMLElement | null {
  const models = report.models.filter((model) => (model.importances?.length ?? 0) > 0);
  if (models.length === 0) return null;
  const section = element("section", "importance");
  section.append(element("h2", undefined, "Feature importance"));
  const charts = element("div", "charts");
  for (const model of models) charts.append(renderImportances(model));
  section.append(charts);
  return section;
}

function renderDropped(report: ExperimentReport): HTMLElement {
  const section = element("section", "dropped");
  section.append(element("h2", undefined, "Dropped features"));
  const table = droppedFeaturesTable(report);
  if (table === null) {
    section.append(element("p", undefined, "No feature was dropped."));
    return section;
  }
  section.append(
    element(
      "p",
      undefined,
      `${table.rows.length} features dropped, ${report.features.kept.length} kept. A feature is "correlated" when its ` +
        `|r| with an earlier kept feature (the partner) exceeds ${report.features.threshold} over the training rows.`,
    ),
  );
  // One table per reason, side by side, each without the columns that no row of it fills.
  const reasonColumn = table.header.indexOf("reason");
  const reasons = [...new Set(table.rows.map((row) => row[reasonColumn]))];
  const tables = element("div", "dropped-tables");
  for (const reason of reasons) {
    const rows = table.rows.filter((row) => row[reasonColumn] === reason);
    const part = withoutEmptyColumns({ ...table, rows });
    tables.append(renderTable(part, `${reason}: ${rows.length} ${rows.length === 1 ? "feature" : "features"}`, "dropped-table"));
  }
  section.append(tables);
  return section;
}

/** Returns the table without the columns whose cells are all empty. */
function withoutEmptyColumns(table: Table): Table {
  const keep = table.header.map((_, column) => column).filter((column) => table.rows.some((row) => row[column] !== ""));
  return {
    header: keep.map((column) => table.header[column]),
    align: keep.map((column) => table.align[column]),
    rows: table.rows.map((row) => keep.map((column) => row[column])),
  };
}

function renderNotes(report: ExperimentReport): HTMLElement | null {
  const lines = [...report.notes, ...report.cleaning.warnings.map((warning) => warning.message)];
  if (lines.length === 0) return null;
  const section = element("section", "notes");
  section.append(element("h2", undefined, "Notes and warnings"));
  const list = element("ul");
  for (const line of lines) list.append(element("li", undefined, line));
  section.append(list);
  return section;
}

/** Replaces the contents of `container` with the report's sections; `downloads` goes right after the summary. */
export function renderReport(container: HTMLElement, report: ExperimentReport, seconds: number, downloads: HTMLElement): void {
  const models = element("section", "models");
  models.append(element("h2", undefined, "Per-class figures and confusion matrices"));
  const grid = element("div", "model-grid");
  for (const model of report.models) grid.append(renderModel(report, model));
  models.append(grid);

  const sections = [
    renderSummary(report, seconds),
    downloads,
    renderAccuracy(report),
    models,
    renderImportanceSection(report),
    renderDropped(report),
    renderNotes(report),
  ];
  container.replaceChildren(...sections.filter((section): section is HTMLElement => section !== null));
}
