/**
 * The three renderings of an experiment report: `report.json`, a Markdown
 * document and terminal tables. Renderers return strings and never print.
 */
import type { ExperimentReport } from "./report_types.ts";

export { reportMarkdown } from "./report_markdown.ts";
export { reportTerminal, type TerminalOptions } from "./report_terminal.ts";

/**
 * Key order of every object shape in `ExperimentReport`, as the types declare
 * it. An object whose keys all appear in one shape is written in that order.
 * Any other object is a record keyed by data (class, feature, step or option
 * names), and its keys keep the order the pipeline inserted them in.
 */
const KEY_ORDERS: readonly (readonly string[])[] = [
  ["flowguard", "recipe", "inputs", "rows", "cleaning", "features", "models", "study", "timings", "notes"],
  ["version", "runtime", "workers"],
  ["name", "description", "seed", "split", "classes", "labels", "trainFiles", "testFiles", "nonFinite", "conflicts", "correlationThreshold"],
  ["side", "file", "rows", "rawLabels"],
  ["label", "rows", "class"],
  ["train", "test"],
  ["step", "counts", "total", "removed"],
  ["nonFinitePolicy", "nonFinite", "imputed", "duplicates", "testRowsEqualToTrainRows", "skippedRows", "warnings"],
  ["values", "fills"],
  ["missing", "posInf", "negInf"],
  ["posInf", "negInf", "missing"],
  ["removed", "conflicts", "conflictPolicy"],
  ["repeatedHeader", "emptyRow"],
  ["file", "line", "message"],
  ["kept", "dropped", "threshold", "summary"],
  ["min", "max", "mean", "std"],
  ["feature", "reason", "partner", "r", "value"],
  ["kind", "name", "options", "fitSeconds", "train", "test", "importances"],
  ["accuracy", "perClass", "macro", "weighted", "confusion", "rows"],
  ["precision", "recall", "f1", "support", "undefined"],
  ["labels", "matrix"],
  ["feature", "importance"],
  ["source", "accuracy", "f1"],
  ["model", "train", "test"],
  ["model", "perClass"],
];

/**
 * Serializes a report as JSON with 2-space indentation, a final newline and a
 * fixed key order, so two runs with equal figures give byte-equal files.
 *
 * Known objects follow the field order of `ExperimentReport`'s types; records
 * keyed by data keep their insertion order. Properties set to `undefined` are
 * left out, as `JSON.stringify` does.
 *
 * @throws RangeError naming the path (e.g. `models[1].test.accuracy`) when a
 *   number is NaN or infinite, which JSON cannot represent.
 * @throws TypeError naming the path when a value is not plain JSON data: an
 *   `undefined` array entry, a function, a bigint, a typed array or a class instance.
 *
 * @example
 * JSON.parse(reportJson(report)); // deep-equals `report`
 */
export function reportJson(report: ExperimentReport): string {
  return `${writeValue(report, "", "")}\n`;
}

function writeValue(value: unknown, path: string, indent: string): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);

  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new RangeError(
        `report: ${describePath(path)} is ${value}, which JSON cannot represent. ` +
          "The step that produced it must return a finite number, or null for an undefined figure.",
      );
    }
    return JSON.stringify(value);
  }

  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((item, index) => {
      const itemPath = `${path}[${index}]`;
      if (item === undefined) {
        throw new TypeError(`report: ${describePath(itemPath)} is undefined, which JSON cannot represent. Use null instead.`);
      }
      return inner + writeValue(item, itemPath, inner);
    });
    return `[\n${items.join(",\n")}\n${indent}]`;
  }

  if (typeof value === "object" && isPlainObject(value)) {
    const record = value as Record<string, unknown>;
    const keys = orderKeys(Object.keys(record).filter((key) => record[key] !== undefined));
    if (keys.length === 0) return "{}";
    const members = keys.map(
      (key) => `${inner}${JSON.stringify(key)}: ${writeValue(record[key], joinPath(path, key), inner)}`,
    );
    return `{\n${members.join(",\n")}\n${indent}}`;
  }

  const kind = typeof value === "object" ? (value as object).constructor?.name ?? "object" : typeof value;
  throw new TypeError(
    `report: ${describePath(path)} is a ${kind}, which is not plain JSON data. Convert it to an array, object, string or number.`,
  );
}

function orderKeys(keys: string[]): string[] {
  const order = KEY_ORDERS.find((shape) => keys.every((key) => shape.includes(key)));
  if (order === undefined) return keys;
  return [...keys].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function joinPath(path: string, key: string): string {
  if (IDENTIFIER.test(key)) return path === "" ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

function describePath(path: string): string {
  return path === "" ? "the report" : path;
}
