/**
 * Column matching: turning a file's raw header into canonical column roles
 * (`planHeader`, used by every loader) and joining the tables of several
 * files into one (`concatTables`). Columns are always matched by canonical
 * name, never by position, because CIC releases differ in spacing and order.
 */
import {
  canonicalColumnName,
  IDENTIFIER_COLUMNS,
  LABEL_COLUMN,
  type DroppedColumn,
  type FlowTable,
  type LoadWarning,
  type TableSource,
} from "./table.ts";

/** Role of one header column: a feature (with its index), the label, or an identifier to skip. */
export type ColumnRole =
  | { kind: "feature"; feature: number }
  | { kind: "label" }
  | { kind: "identifier" };

/** A file's header resolved into canonical names and roles. */
export interface HeaderPlan {
  /** Canonical name of every header column, in file order, with duplicates renamed (`X.1`). */
  names: string[];
  /** Role of every header column, in file order. */
  roles: ColumnRole[];
  /** Canonical names of the feature columns, in file order. */
  featureNames: string[];
  /** 0-based header position of each feature column. */
  featurePositions: number[];
  /** 0-based header position of the label column. */
  labelPosition: number;
  /** Identifier columns, recorded with reason "identifier". */
  droppedColumns: DroppedColumn[];
  /** One warning per column name repeated in the header. */
  warnings: LoadWarning[];
}

const identifierNames = new Set(IDENTIFIER_COLUMNS);

/**
 * Resolves raw header names into canonical names and roles.
 *
 * Canonical names are trimmed names. A raw name repeated exactly keeps its
 * first copy and renames later copies to `<name>.1`, `<name>.2`, ... as
 * pandas does, skipping any suffix that another header column already
 * uses, and records a warning with both positions. Two different raw names
 * that trim to the same name raise a SyntaxError, as does a header without
 * a `Label` column. Columns whose canonical name (or the name they copy) is
 * in IDENTIFIER_COLUMNS become identifiers.
 *
 * `domain` leads every message ("csv", "parquet").
 */
export function planHeader(rawNames: readonly string[], file: string, domain: string): HeaderPlan {
  const canonical = rawNames.map(canonicalColumnName);
  const taken = new Set(canonical);
  const firstPosition = new Map<string, number>();
  const names: string[] = [];
  const baseNames: string[] = [];
  const warnings: LoadWarning[] = [];

  for (let position = 0; position < rawNames.length; position++) {
    const name = canonical[position];
    const earlier = firstPosition.get(name);
    if (earlier === undefined) {
      firstPosition.set(name, position);
      names.push(name);
      baseNames.push(name);
      continue;
    }
    if (rawNames[earlier] !== rawNames[position]) {
      throw new SyntaxError(
        `${domain}: header names ${JSON.stringify(rawNames[earlier])} (column ${earlier + 1}) and ` +
          `${JSON.stringify(rawNames[position])} (column ${position + 1}) both become ${JSON.stringify(name)} ` +
          `after trimming; in ${file}, line 1. Rename or remove one of the two columns.`,
      );
    }
    let suffix = 1;
    while (taken.has(`${name}.${suffix}`)) suffix++;
    const renamed = `${name}.${suffix}`;
    taken.add(renamed);
    names.push(renamed);
    baseNames.push(name);
    warnings.push({
      file,
      line: 1,
      message:
        `${domain}: column name ${JSON.stringify(rawNames[position])} appears twice in the header ` +
        `(columns ${earlier + 1} and ${position + 1}); the copy at column ${position + 1} is kept as ` +
        `${JSON.stringify(renamed)}.`,
    });
  }

  const labelPosition = names.indexOf(LABEL_COLUMN);
  if (labelPosition < 0) {
    throw new SyntaxError(
      `${domain}: no ${JSON.stringify(LABEL_COLUMN)} column in the header of ${file}; found ${names.length} ` +
        `columns: ${names.map((n) => JSON.stringify(n)).join(", ")}. Load a labelled flow file.`,
    );
  }

  const roles: ColumnRole[] = [];
  const featureNames: string[] = [];
  const featurePositions: number[] = [];
  const droppedColumns: DroppedColumn[] = [];
  for (let position = 0; position < names.length; position++) {
    if (position === labelPosition) {
      roles.push({ kind: "label" });
    } else if (identifierNames.has(baseNames[position])) {
      roles.push({ kind: "identifier" });
      droppedColumns.push({ name: names[position], reason: "identifier", where: [{ file, position }] });
    } else {
      roles.push({ kind: "feature", feature: featureNames.length });
      featureNames.push(names[position]);
      featurePositions.push(position);
    }
  }

  return { names, roles, featureNames, featurePositions, labelPosition, droppedColumns, warnings };
}

/**
 * Joins the tables of several files into one, matching feature columns by
 * canonical name. Feature order follows the first table. A feature missing
 * from any table is dropped from all and recorded with reason
 * "missing-in-some-files" and the files that had it. Label codes are
 * remapped onto the merged `labelNames` (first-seen order), `fileIndex` is
 * offset to the merged `sources`, and dropped columns, warnings and skipped
 * counts are merged. A single table is returned unchanged.
 *
 * Throws RangeError for an empty list or more than 65,536 source files.
 */
export function concatTables(tables: readonly FlowTable[]): FlowTable {
  if (tables.length === 0) {
    throw new RangeError("columns: cannot concatenate an empty list of tables; pass at least one table.");
  }
  if (tables.length === 1) return tables[0];

  const sourceCount = tables.reduce((sum, table) => sum + table.sources.length, 0);
  if (sourceCount > 0x10000) {
    throw new RangeError(
      `columns: cannot concatenate ${sourceCount} source files; at most 65536 fit in fileIndex. Load fewer files at once.`,
    );
  }

  const { kept, dropped } = matchFeatures(tables);
  const rowCount = tables.reduce((sum, table) => sum + table.rowCount, 0);
  const columns = kept.map(() => new Float32Array(rowCount));
  const labels = new Int32Array(rowCount);
  const fileIndex = new Uint16Array(rowCount);
  const lineNumbers = new Uint32Array(rowCount);
  const labelNames: string[] = [];
  const labelCodes = new Map<string, number>();
  const sources: TableSource[] = [];
  const droppedColumns = mergeDroppedColumns(tables.flatMap((table) => table.droppedColumns).concat(dropped));
  const warnings = tables.flatMap((table) => table.warnings);
  const skipped = { repeatedHeader: 0, emptyRow: 0 };

  let rowOffset = 0;
  for (const table of tables) {
    for (let j = 0; j < kept.length; j++) {
      columns[j].set(table.columns[table.featureNames.indexOf(kept[j])], rowOffset);
    }

    const codeMap = table.labelNames.map((name) => {
      let code = labelCodes.get(name);
      if (code === undefined) {
        code = labelNames.length;
        labelCodes.set(name, code);
        labelNames.push(name);
      }
      return code;
    });
    const sourceOffset = sources.length;
    for (let i = 0; i < table.rowCount; i++) {
      labels[rowOffset + i] = codeMap[table.labels[i]];
      fileIndex[rowOffset + i] = table.fileIndex[i] + sourceOffset;
    }
    lineNumbers.set(table.lineNumbers.subarray(0, table.rowCount), rowOffset);

    for (const source of table.sources) sources.push({ ...source, firstRow: source.firstRow + rowOffset });
    skipped.repeatedHeader += table.skipped.repeatedHeader;
    skipped.emptyRow += table.skipped.emptyRow;
    rowOffset += table.rowCount;
  }

  return {
    featureNames: kept,
    columns,
    labels,
    labelNames,
    fileIndex,
    lineNumbers,
    rowCount,
    sources,
    droppedColumns,
    skipped,
    warnings,
  };
}

/** Splits feature names into those every table has (first table's order) and dropped ones. */
function matchFeatures(tables: readonly FlowTable[]): { kept: string[]; dropped: DroppedColumn[] } {
  const nameSets = tables.map((table) => new Set(table.featureNames));
  const seenOrder: string[] = [];
  const seen = new Set<string>();
  for (const table of tables) {
    for (const name of table.featureNames) {
      if (!seen.has(name)) {
        seen.add(name);
        seenOrder.push(name);
      }
    }
  }

  const kept: string[] = [];
  const dropped: DroppedColumn[] = [];
  for (const name of seenOrder) {
    if (nameSets.every((names) => names.has(name))) {
      kept.push(name);
      continue;
    }
    const where: DroppedColumn["where"] = [];
    tables.forEach((table, t) => {
      if (!nameSets[t].has(name)) return;
      for (const source of table.sources) where.push({ file: source.file, position: headerPosition(source, name) });
    });
    dropped.push({ name, reason: "missing-in-some-files", where });
  }
  return { kept, dropped };
}

/** 0-based position of `name` in the source's header, or -1 when the source records no header. */
function headerPosition(source: TableSource, name: string): number {
  return source.header ? source.header.indexOf(name) : -1;
}

/** Merges entries with the same name and reason, keeping first-seen order. */
function mergeDroppedColumns(entries: readonly DroppedColumn[]): DroppedColumn[] {
  const merged = new Map<string, DroppedColumn>();
  for (const entry of entries) {
    const key = `${entry.reason}\u0000${entry.name}`;
    const existing = merged.get(key);
    if (existing) existing.where.push(...entry.where);
    else merged.set(key, { name: entry.name, reason: entry.reason, where: [...entry.where] });
  }
  return [...merged.values()];
}
