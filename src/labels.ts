/**
 * Label maps and the class filter: the first cleaning stage, which turns the
 * raw label strings of a loaded table into class indices and leaves out the
 * rows of classes the recipe does not keep.
 */
import type { FlowTable } from "./table.ts";
import type { ClassCounts } from "./report_types.ts";

/** Raw label string to class name. A raw label that is not a key maps to itself. */
export type LabelMap = Record<string, string>;

/** Names of the built-in label maps. */
export type LabelMapName = "study" | "identity";

/**
 * The reference study's map. CIC-DDoS2019 spells the same attack differently
 * on its two days: the 01-12 files say `DrDoS_LDAP`, `DrDoS_MSSQL`,
 * `DrDoS_NetBIOS`, `DrDoS_UDP` and `UDP-lag`, the 03-11 files say `LDAP`,
 * `MSSQL`, `NetBIOS`, `UDP` and `UDPLag`; the study treats each pair as one
 * class. Every other raw label (`Syn`, `DrDoS_DNS`, `TFTP`, `Portmap`,
 * `WebDDoS`, ...) keeps its spelling.
 */
const STUDY_MAP: LabelMap = {
  BENIGN: "Benign",
  DrDoS_LDAP: "LDAP",
  DrDoS_MSSQL: "MSSQL",
  DrDoS_NetBIOS: "NetBIOS",
  DrDoS_UDP: "UDP",
  "UDP-lag": "UDPLag",
};

const BUILT_IN_MAPS: Record<LabelMapName, LabelMap> = {
  study: STUDY_MAP,
  identity: {},
};

/** Returns a copy of the built-in label map called `name` ("study" or "identity"). */
export function labelMapByName(name: string): LabelMap {
  if (!Object.hasOwn(BUILT_IN_MAPS, name)) {
    const known = Object.keys(BUILT_IN_MAPS).join(", ");
    throw new RangeError(`labels: unknown label map "${name}"; expected one of ${known}`);
  }
  return { ...BUILT_IN_MAPS[name as LabelMapName] };
}

/** Returns the class name of `rawLabel` under `map`: the mapped name, or the raw label itself. */
export function classOf(map: LabelMap, rawLabel: string): string {
  return Object.hasOwn(map, rawLabel) ? map[rawLabel] : rawLabel;
}

/** One raw label of one input file, with its row count and the class it went to. */
export interface LabelMapping {
  file: string;
  rawLabel: string;
  rows: number;
  /** Class name under the map, or null when that class is not kept. */
  class: string | null;
}

/** Result of `applyLabels`. */
export interface LabelAssignment {
  /** Per table row: index into `classNames`, or -1 when the row's class is not kept. */
  classIndex: Int32Array;
  /** Kept classes: the order of `classes` when given, otherwise every class present, sorted. */
  classNames: string[];
  /** Indices of the kept rows, ascending. */
  rows: Uint32Array;
  /** Per input file (in `table.sources` order), its raw labels in first-seen order. */
  mapping: LabelMapping[];
  /** Kept rows per class name; a class in `classNames` with no rows has count 0. */
  counts: ClassCounts;
  /** Rows left out because their class is not kept. */
  removed: number;
  /** Rows left out, per class name. */
  removedByClass: ClassCounts;
  /** Classes named in `classes` that no row has (not an error, but worth reporting). */
  missingClasses: string[];
}

/**
 * Maps every row's raw label to a class and keeps the rows whose class is in
 * `classes` (all rows when `classes` is omitted).
 *
 * Without `classes`, class names are sorted by UTF-16 code units, which for
 * ASCII names is the order of scikit-learn's `LabelEncoder`. Row counts come
 * from the rows themselves, so a table made by `selectRows` reports its own
 * rows, not those of the files it came from.
 *
 * @example
 * ```ts
 * const labels = applyLabels(table, labelMapByName("study"), ["Benign", "LDAP"]);
 * // labels.classIndex[i] is 0, 1 or -1; labels.rows lists the rows with 0 or 1.
 * ```
 */
export function applyLabels(table: FlowTable, map: LabelMap, classes?: string[]): LabelAssignment {
  if (classes !== undefined) validateClassList(classes);

  // Class name of each raw label, computed once per distinct label.
  const classNameOfLabel = table.labelNames.map((raw) => classOf(map, raw));
  const classNames = classes !== undefined ? [...classes] : [...new Set(classNameOfLabel)].sort();
  const positionOfClass = new Map(classNames.map((name, i) => [name, i]));
  const classOfLabel = Int32Array.from(classNameOfLabel, (name) => positionOfClass.get(name) ?? -1);

  const n = table.rowCount;
  const classIndex = new Int32Array(n);
  const labelRowCounts = new Float64Array(table.labelNames.length);
  let keptCount = 0;
  for (let i = 0; i < n; i++) {
    const label = table.labels[i];
    const c = classOfLabel[label];
    classIndex[i] = c;
    labelRowCounts[label]++;
    if (c >= 0) keptCount++;
  }

  const rows = new Uint32Array(keptCount);
  for (let i = 0, k = 0; i < n; i++) {
    if (classIndex[i] >= 0) rows[k++] = i;
  }

  const counts: ClassCounts = Object.fromEntries(classNames.map((name) => [name, 0]));
  const removedByClass: ClassCounts = {};
  for (let label = 0; label < labelRowCounts.length; label++) {
    const rowCount = labelRowCounts[label];
    if (rowCount === 0) continue;
    const name = classNameOfLabel[label];
    if (classOfLabel[label] >= 0) counts[name] += rowCount;
    else removedByClass[name] = (removedByClass[name] ?? 0) + rowCount;
  }

  return {
    classIndex,
    classNames,
    rows,
    mapping: mapFileLabels(table, classNameOfLabel, classOfLabel),
    counts,
    removed: n - keptCount,
    removedByClass,
    missingClasses: classNames.filter((name) => counts[name] === 0),
  };
}

/** Counts the rows of each class among `rows`; classes with no rows get 0. */
export function countByClass(classIndex: Int32Array, classNames: string[], rows: Uint32Array): ClassCounts {
  const tally = new Float64Array(classNames.length);
  for (let i = 0; i < rows.length; i++) {
    const c = classIndex[rows[i]];
    if (c >= 0) tally[c]++;
  }
  return Object.fromEntries(classNames.map((name, c) => [name, tally[c]]));
}

function validateClassList(classes: string[]): void {
  if (classes.length === 0) {
    throw new RangeError("labels: the class list is empty; name at least one class, or omit the list to keep every class");
  }
  const seen = new Set<string>();
  for (const name of classes) {
    if (typeof name !== "string" || name === "") {
      throw new TypeError(`labels: invalid class name ${JSON.stringify(name)} in the class list; expected a non-empty string`);
    }
    if (seen.has(name)) {
      throw new RangeError(`labels: class "${name}" appears twice in the class list; list each class once`);
    }
    seen.add(name);
  }
}

/** Tallies rows per (file, raw label), in file order and first-seen label order within a file. */
function mapFileLabels(table: FlowTable, classNameOfLabel: string[], classOfLabel: Int32Array): LabelMapping[] {
  const labelCount = table.labelNames.length;
  const perFile = table.sources.map(() => ({ order: [] as number[], rows: new Float64Array(labelCount) }));
  for (let i = 0; i < table.rowCount; i++) {
    const file = perFile[table.fileIndex[i]];
    const label = table.labels[i];
    if (file.rows[label] === 0) file.order.push(label);
    file.rows[label]++;
  }

  const mapping: LabelMapping[] = [];
  perFile.forEach((file, f) => {
    for (const label of file.order) {
      mapping.push({
        file: table.sources[f].file,
        rawLabel: table.labelNames[label],
        rows: file.rows[label],
        class: classOfLabel[label] >= 0 ? classNameOfLabel[label] : null,
      });
    }
  });
  return mapping;
}
