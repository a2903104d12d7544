/**
 * Number formatting and table layout shared by the Markdown and terminal
 * reports. Output does not depend on the runtime's locale, so a report reads the
 * same in Node, Deno, a browser or an edge worker.
 */

/** Column alignment in a rendered table. */
export type Align = "left" | "right";

/** A table ready to render: one header cell and one alignment per column. */
export interface Table {
  header: string[];
  rows: string[][];
  align: Align[];
  /** Optional header row above `header` that spans columns, e.g. one group per model. */
  groups?: { label: string; span: number }[];
}

/** Text printed for a figure that is undefined (0/0). */
export const NOT_AVAILABLE = "n/a";

/** Text printed in a cell that has no value, such as a class absent after a step. */
export const EMPTY_CELL = "-";

/**
 * Formats a number with a fixed count of decimals, or "n/a" for null.
 *
 * @example
 * formatFixed(0.99456, 4); // "0.9946"
 * formatFixed(null); // "n/a"
 */
export function formatFixed(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return NOT_AVAILABLE;
  return value.toFixed(digits);
}

/**
 * Formats an integer count with commas between groups of three digits.
 *
 * Written out by hand because `toLocaleString` depends on the runtime's ICU data.
 *
 * @example
 * formatCount(1652448); // "1,652,448"
 */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const sign = value < 0 ? "-" : "";
  const digits = Math.abs(Math.round(value)).toString();
  let grouped = "";
  for (let end = digits.length; end > 0; end -= 3) {
    const group = digits.slice(Math.max(0, end - 3), end);
    grouped = grouped === "" ? group : `${group},${grouped}`;
  }
  return sign + grouped;
}

/**
 * Formats a duration in seconds, with three decimals below ten seconds and one from ten up.
 *
 * @example
 * formatSeconds(0.01234); // "0.012 s"
 * formatSeconds(75.4); // "75.4 s"
 */
export function formatSeconds(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(3)} s`;
  return `${seconds.toFixed(1)} s`;
}

/**
 * Renders a table as GitHub-flavored Markdown, escaping `|` in cells.
 *
 * Markdown has one header row, so column groups are folded into the header
 * cells as "group column".
 */
export function renderMarkdownTable(table: Table): string {
  const header = table.groups ? foldGroups(table.groups, table.header) : table.header;
  const rule = table.align.map((align) => (align === "right" ? "---:" : "---"));
  const lines = [header, rule, ...table.rows].map((cells, index) => {
    const text = index === 1 ? cells : cells.map(escapeMarkdownCell);
    return `| ${text.join(" | ")} |`;
  });
  return lines.join("\n");
}

/**
 * Renders a table as aligned plain text, with a rule under the header and two
 * spaces between columns. Widths count UTF-16 code units, which is exact for
 * the ASCII names of CICFlowMeter features and CIC-DDoS2019 classes.
 */
export function renderTextTable(table: Table): string {
  const columnCount = table.header.length;
  const widths = table.header.map((cell) => cell.length);
  for (const row of table.rows) {
    for (let column = 0; column < columnCount; column++) {
      widths[column] = Math.max(widths[column], (row[column] ?? "").length);
    }
  }

  // A group label wider than its columns widens the last column it spans.
  const groupLines: string[] = [];
  if (table.groups) {
    let column = 0;
    const labels: string[] = [];
    for (const group of table.groups) {
      const spanned = widths.slice(column, column + group.span);
      const spanWidth = spanned.reduce((sum, width) => sum + width, 0) + 2 * (group.span - 1);
      if (group.label.length > spanWidth) widths[column + group.span - 1] += group.label.length - spanWidth;
      column += group.span;
    }
    column = 0;
    for (const group of table.groups) {
      const spanWidth = widths.slice(column, column + group.span).reduce((sum, width) => sum + width, 0) + 2 * (group.span - 1);
      labels.push(group.label === "" ? " ".repeat(spanWidth) : centre(group.label, spanWidth));
      column += group.span;
    }
    groupLines.push(labels.join("  ").trimEnd());
  }

  const formatRow = (cells: string[]): string =>
    cells
      .map((cell, column) => (table.align[column] === "right" ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "─".repeat(width)).join("  ");
  return [...groupLines, formatRow(table.header), rule, ...table.rows.map(formatRow)].join("\n");
}

/** Block characters for 1/8 to 8/8 of a character cell, left-aligned. */
const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"];

/**
 * Draws a horizontal bar of `fraction × width` character cells with block
 * characters, resolving eighths of a cell. `fraction` is clamped to 0..1.
 *
 * @example
 * drawBar(0.5, 4); // "██"
 * drawBar(0.3, 4); // "█▎" (1.2 cells, rounded to 1 2/8)
 */
export function drawBar(fraction: number, width: number): string {
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const eighths = Math.round(clamped * width * 8);
  return "█".repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

/**
 * Breaks prose into lines of at most `width` characters at spaces. A word
 * longer than `width` gets a line of its own and is not split.
 *
 * @example
 * wrapText("precision recall F1", 10); // "precision\nrecall F1"
 */
export function wrapText(text: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((part) => part !== "")) {
    if (line === "") {
      line = word;
    } else if (line.length + 1 + word.length <= width) {
      line += ` ${word}`;
    } else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== "") lines.push(line);
  return lines.join("\n");
}

/** Shortens `text` to `width` characters, ending it with "…" when cut. */
export function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 1) return "…".slice(0, width);
  return `${text.slice(0, width - 1)}…`;
}

function centre(text: string, width: number): string {
  const left = Math.floor((width - text.length) / 2);
  return " ".repeat(Math.max(0, left)) + text.padEnd(width - Math.max(0, left));
}

function foldGroups(groups: { label: string; span: number }[], header: string[]): string[] {
  const folded: string[] = [];
  let column = 0;
  for (const group of groups) {
    for (let i = 0; i < group.span; i++) {
      const cell = header[column];
      folded.push(group.label === "" ? cell : `${group.label} ${cell}`);
      column += 1;
    }
  }
  return folded.concat(header.slice(column));
}

function escapeMarkdownCell(cell: string): string {
  return cell.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
