/**
 * Grows the shipped CIC-DDoS2019 sample to a CSV of any row count, for
 * timing only. Rows are drawn with replacement from the sample with a seeded
 * generator, and every continuous value is multiplied by a factor drawn
 * uniformly from [0.99, 1.01], so that drawn copies of the same flow
 * differ; it is written with 7 significant digits (whole numbers stay
 * whole). Flag, count, port, protocol and header-size columns keep their
 * exact values. Identifier columns and labels are copied as they are, and
 * the header is the sample's header byte for byte, so the file has the
 * layout of a CICFlowMeter file.
 *
 * The rows are not real traffic, and accuracy measured on them shows
 * nothing about detection quality. The file name therefore carries
 * "timing-only", and a README file beside it states it.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { basename, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { builtInRecipe } from "../src/recipe.ts";
import { classOf, labelMapByName } from "../src/labels.ts";
import { Random } from "../src/random.ts";
import { canonicalColumnName, IDENTIFIER_COLUMNS, LABEL_COLUMN } from "../src/table.ts";

/** Seed of the row draws and the jitter; fixed, so a file name identifies its content. */
export const GROW_SEED = 2019;

/** Largest relative change of a continuous value: 0.01 means a factor in [0.99, 1.01]. */
export const JITTER = 0.01;
/**
 * Significant digits of a jittered value that was not a whole number:
 * about float32's precision, which is what flowguard keeps. Full float64
 * text would double the file's size against the sample's own values.
 */
export const SIGNIFICANT_DIGITS = 7;

/**
 * Features that keep their exact value: TCP flags, packet counts, ports,
 * protocol, window sizes, header sizes and the other small integers whose
 * meaning a 1% change would break.
 */
const EXACT_FEATURE = new RegExp(
  [
    "Flag",
    "Count$",
    "Port",
    "^Protocol$",
    "^Total Fwd Packets$",
    "^Total Backward Packets$",
    "^Subflow (Fwd|Bwd) Packets$",
    "Packets/Bulk$",
    "Header Length",
    "^Init_Win_bytes",
    "^act_data_pkt_fwd$",
    "^min_seg_size_forward$",
    "^Down/Up Ratio$",
    "^Inbound$",
  ].join("|"),
);

/** Bytes collected before each write to the output file. */
const WRITE_BYTES = 8 << 20;

/** Options of `growSample`. */
export interface GrowOptions {
  /** Folder with the sample's `*.csv` or `*.csv.gz` files. */
  sampleDir: string;
  /** Folder the grown file and its README are written to. */
  workDir: string;
  /** Data rows of the grown file. */
  rows: number;
}

/** Result of `growSample`. */
export interface GrowResult {
  csvPath: string;
  readmePath: string;
  /** Whether the file was written now (false: an earlier run's file was reused). */
  written: boolean;
  /** Sample rows that rows were drawn from (rows of the study's dataset-1 classes). */
  sampleRows: number;
  jitteredColumns: string[];
  exactColumns: string[];
}

/** Returns the path of the grown CSV with `rows` rows in `workDir`. */
export function grownCsvPath(workDir: string, rows: number): string {
  return join(workDir, `grown-${rows}-timing-only.csv`);
}

/** The sample as text: its header line and data lines, with the column roles. */
interface Sample {
  header: string;
  lines: string[][];
  /** Per column: whether its values are multiplied by a jitter factor. */
  jittered: boolean[];
  names: string[];
}

/**
 * Writes `grown-<rows>-timing-only.csv` and its README into `workDir`, unless
 * the CSV already exists. The CSV is written under a temporary name and
 * renamed when complete, so an existing file is always whole.
 */
export function growSample(options: GrowOptions): GrowResult {
  const { sampleDir, workDir, rows } = options;
  if (!Number.isSafeInteger(rows) || rows < 1) {
    throw new RangeError(`bench: invalid row count ${rows} for the grown file; expected a positive integer`);
  }
  const csvPath = grownCsvPath(workDir, rows);
  const readmePath = csvPath.replace(/\.csv$/, ".README.txt");
  const sample = readSample(sampleDir);
  const jitteredColumns = sample.names.filter((_, j) => sample.jittered[j]);
  const exactColumns = sample.names.filter(
    (name, j) => !sample.jittered[j] && !IDENTIFIER_COLUMNS.includes(name) && name !== LABEL_COLUMN,
  );
  const readme = readmeText(basename(csvPath), rows, sample.lines.length, exactColumns);

  // A file grown by another version of this code has a different README beside it, and is grown again.
  if (existsSync(csvPath) && existsSync(readmePath) && readFileSync(readmePath, "utf8") === readme) {
    return { csvPath, readmePath, written: false, sampleRows: sample.lines.length, jitteredColumns, exactColumns };
  }
  const partialPath = `${csvPath}.partial`;
  writeRows(partialPath, sample, rows);
  renameSync(partialPath, csvPath);
  writeFileSync(readmePath, readme);
  return { csvPath, readmePath, written: true, sampleRows: sample.lines.length, jitteredColumns, exactColumns };
}

/** Reads every sample file, checks that the headers agree and keeps the rows of the study's dataset-1 classes. */
function readSample(sampleDir: string): Sample {
  const files = readdirSync(sampleDir)
    .filter((name) => /\.csv(\.gz)?$/.test(name))
    .sort();
  if (files.length === 0) throw new Error(`bench: no *.csv or *.csv.gz files found in ${sampleDir}`);

  const labelMap = labelMapByName("study");
  const keptClasses = new Set(builtInRecipe("sample").classes);
  let header = "";
  let names: string[] = [];
  let labelColumn = -1;
  const lines: string[][] = [];
  for (const file of files) {
    const path = join(sampleDir, file);
    const bytes = readFileSync(path);
    const text = (file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
    const fileLines = text.split(/\r?\n/);
    if (header === "") {
      header = fileLines[0];
      names = header.split(",").map(canonicalColumnName);
      labelColumn = names.indexOf(LABEL_COLUMN);
      if (labelColumn < 0) throw new Error(`bench: no ${LABEL_COLUMN} column in the header of ${path}`);
    } else if (fileLines[0] !== header) {
      throw new Error(`bench: the header of ${path} differs from the header of ${files[0]}; the sample files must share one header`);
    }
    for (let i = 1; i < fileLines.length; i++) {
      if (fileLines[i] === "") continue;
      if (fileLines[i].includes('"')) {
        throw new Error(`bench: quoted field at ${path}, line ${i + 1}; the grower splits lines on commas only`);
      }
      const fields = fileLines[i].split(",");
      if (fields.length !== names.length) {
        throw new Error(`bench: ${path}, line ${i + 1} has ${fields.length} fields, expected ${names.length}`);
      }
      if (keptClasses.has(classOf(labelMap, fields[labelColumn]))) lines.push(fields);
    }
  }

  const jittered = names.map(
    (name, j) => j !== labelColumn && !IDENTIFIER_COLUMNS.includes(name) && !EXACT_FEATURE.test(name),
  );
  return { header, lines, jittered, names };
}

/** Writes the header and `rows` drawn, jittered rows to `path`. */
function writeRows(path: string, sample: Sample, rows: number): void {
  const random = new Random(GROW_SEED);
  const columnCount = sample.names.length;
  // Parsed value of every jittered field (NaN where the text is not a finite non-zero number, which is copied as is).
  const values = sample.lines.map((fields) =>
    Float64Array.from(fields, (text, j) => {
      const value = sample.jittered[j] ? Number(text) : NaN;
      return text !== "" && Number.isFinite(value) && value !== 0 ? value : NaN;
    }),
  );
  const integerText = sample.lines.map((fields) => fields.map((text) => /^-?\d+$/.test(text)));

  const fd = openSync(path, "w");
  try {
    let chunk = `${sample.header}\n`;
    for (let r = 0; r < rows; r++) {
      const source = random.nextInt(sample.lines.length);
      const fields = sample.lines[source];
      const parsed = values[source];
      const integer = integerText[source];
      let line = "";
      for (let j = 0; j < columnCount; j++) {
        if (j > 0) line += ",";
        const value = parsed[j];
        if (Number.isNaN(value)) {
          line += fields[j];
          continue;
        }
        const jitteredValue = value * (1 + JITTER * (2 * random.nextFloat() - 1));
        line += integer[j] ? String(Math.round(jitteredValue)) : String(Number(jitteredValue.toPrecision(SIGNIFICANT_DIGITS)));
      }
      chunk += `${line}\n`;
      if (chunk.length >= WRITE_BYTES) {
        writeSync(fd, chunk);
        chunk = "";
      }
    }
    writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

function readmeText(csvName: string, rows: number, sampleRows: number, exactColumns: string[]): string {
  return `${csvName}: TIMING-ONLY GROWN DATA. Do not train a model on it to judge detection quality.

This file was made by flowguard's benchmark (bench/grow.ts) from the real
CIC-DDoS2019 sample shipped in data/sample/01-12 (${sampleRows.toLocaleString("en-US")} rows of the
classes Benign, Syn, UDP, MSSQL, LDAP and NetBIOS). It holds ${rows.toLocaleString("en-US")} rows
drawn with replacement from those rows (seed ${GROW_SEED}). Every continuous
feature value was multiplied by a factor drawn uniformly from
[${1 - JITTER}, ${1 + JITTER}], so drawn copies of a flow differ, and written
as a whole number when the sample's value was one, else with
${SIGNIFICANT_DIGITS} significant digits. Identifier
columns, labels and these features keep their exact values:
${exactColumns.join(", ")}.

The rows are not traffic that was captured. They keep the sample's layout,
value ranges and class mix, which is what reading, cleaning and training
times depend on, but accuracy measured on them is meaningless.
`;
}
