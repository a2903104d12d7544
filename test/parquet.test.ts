import { beforeAll, describe, expect, it } from "vitest";
import { readParquet, setParquetWasmLoader, type ParquetProgress } from "../src/parquet.ts";
import { bytesSource } from "../src/source.ts";
import { fileSource, PARQUET_WASM_PATH, readBytes, readText } from "./support/platform.ts";
import { itExcept } from "./support/skip.ts";

const MADE_HERE = "test/data/parquet-made-here/";
const WRITTEN = "test/data/parquet-wasm/";
const HEADS = "test/data/heads/01-12/";

/** Columns of the original CSV files that the release does not contain. */
const REMOVED_COLUMNS = [
  "Unnamed: 0",
  "Flow ID",
  "Source IP",
  "Source Port",
  "Destination IP",
  "Destination Port",
  "Timestamp",
  "SimillarHTTP",
  "Inbound",
  "Fwd Header Length.1",
];

/** Reads the first `rowLimit` rows of a CIC CSV head (no quoted fields) as trimmed strings. */
async function readCsvHead(name: string, rowLimit: number): Promise<{ header: string[]; rows: string[][] }> {
  const lines = (await readText(HEADS + name)).split("\n").filter((line) => line.length > 0);
  const header = lines[0].split(",").map((field) => field.trim());
  const rows = lines.slice(1, rowLimit + 1).map((line) => line.split(",").map((field) => field.trim()));
  return { header, rows };
}

const synHeader = (await readCsvHead("Syn.head.csv", 0)).header;

/** Why Deno and Bun skip the default-URL test. */
const FETCHES_FILES = "fetch reads file: URLs here, so parquet-wasm's default URL works";

// Runs first, while parquet-wasm is not yet instantiated in this worker.
describe("parquet-wasm initialisation", () => {
  itExcept({ deno: FETCHES_FILES, bun: FETCHES_FILES })("default URL fails in Node", async () => {
    setParquetWasmLoader(undefined);
    const reading = readParquet(fileSource(WRITTEN + "types.parquet"));
    await expect(reading).rejects.toThrow(/^parquet: could not initialise parquet-wasm 0\.8\.0 from its default URL/);
    await expect(reading).rejects.toThrow(/pass options\.parquetWasm or call setParquetWasmLoader/);
  });

  it("option with wasm bytes works", async () => {
    const table = await readParquet(fileSource(WRITTEN + "types.parquet"), { parquetWasm: await readBytes(PARQUET_WASM_PATH) });
    expect(table.rowCount).toBe(4);
  });
});

describe("readParquet", () => {
  beforeAll(() => {
    setParquetWasmLoader(() => readBytes(PARQUET_WASM_PATH));
  });

  const madeHere = [
    { file: "Syn-testing.parquet", rows: 3301, labels: { Syn: 3300, Benign: 1 } },
    { file: "UDP-testing.parquet", rows: 3603, labels: { DrDoS_UDP: 3603 } },
    { file: "MSSQL-testing.parquet", rows: 554, labels: { DrDoS_MSSQL: 553, Benign: 1 } },
    { file: "LDAP-testing.parquet", rows: 551, labels: { DrDoS_LDAP: 549, Benign: 2 } },
    { file: "NetBIOS-testing.parquet", rows: 2529, labels: { DrDoS_NetBIOS: 2520, Benign: 9 } },
    { file: "NTP-testing.parquet", rows: 7077, labels: { Benign: 5889, DrDoS_NTP: 1188 } },
    { file: "DNS-testing.parquet", rows: 2649, labels: { DrDoS_DNS: 2150, Benign: 499 } },
  ];
  const releaseFeatures = synHeader.filter((name) => !REMOVED_COLUMNS.includes(name) && name !== "Label");

  it.each(madeHere)("pyarrow file $file", async ({ file, rows, labels }) => {
    const table = await readParquet(fileSource(MADE_HERE + file));
    const labelCounts = Object.fromEntries(table.sources[0].rawLabels);
    const codeCounts = new Array(table.labelNames.length).fill(0);
    for (const code of table.labels) codeCounts[code]++;

    expect(table.rowCount).toBe(rows);
    expect(labelCounts).toEqual(labels);
    expect(codeCounts).toEqual(table.labelNames.map((name) => labels[name as keyof typeof labels]));
    expect(table.featureNames).toHaveLength(77);
    expect(table.featureNames).toEqual(releaseFeatures);
    expect(table.columns.every((column) => column.length === rows)).toBe(true);
    expect(table.sources[0].header).toEqual([...releaseFeatures, "Label"]);
    expect(table.droppedColumns).toEqual([]);
    expect(table.lineNumbers.every((line) => line === 0)).toBe(true);
    expect(table.fileIndex.every((index) => index === 0)).toBe(true);
    expect(table.skipped).toEqual({ repeatedHeader: 0, emptyRow: 0 });
  });

  const written = [
    { file: "Syn-head.parquet", csv: "Syn.head.csv", rowGroups: 3, labels: { Syn: 298, BENIGN: 2 } },
    { file: "DrDoS_LDAP-head.parquet", csv: "DrDoS_LDAP.head.csv", rowGroups: 3, labels: { DrDoS_LDAP: 300 } },
  ];

  it.each(written)("parquet-wasm file $file equals its CSV", async ({ file, csv, rowGroups, labels }) => {
    const progress: ParquetProgress[] = [];
    const table = await readParquet(fileSource(WRITTEN + file), { onProgress: (step) => progress.push(step) });
    const { header, rows } = await readCsvHead(csv, 300);

    expect(table.rowCount).toBe(300);
    expect(table.featureNames).toEqual(releaseFeatures);
    expect(Object.fromEntries(table.sources[0].rawLabels)).toEqual(labels);
    expect(progress.map((step) => step.rowGroupsRead)).toEqual(Array.from({ length: rowGroups }, (_, i) => i + 1));
    expect(progress.at(-1)?.rowsRead).toBe(300);

    const labelColumn = header.indexOf("Label");
    expect(Array.from(table.labels, (code) => table.labelNames[code])).toEqual(rows.map((row) => row[labelColumn]));
    table.featureNames.forEach((name, j) => {
      const csvColumn = header.indexOf(name);
      expect(csvColumn, name).toBeGreaterThanOrEqual(0);
      const expected = rows.map((row) => Math.fround(Number(row[csvColumn])));
      expect(Array.from(table.columns[j]), name).toEqual(expected);
    });
  });

  describe("types.parquet", () => {
    const columns = [
      { name: "Protocol", values: [6, 17, NaN, -128] },
      { name: "int16", values: [-32768, 32767, 0, NaN] },
      { name: "int32", values: [-2147483648, Math.fround(2147483647), 16777216, NaN] },
      { name: "int64", values: [-(2 ** 53), 2 ** 53, Math.fround(115799309), NaN] },
      { name: "uint8", values: [0, 255, 7, NaN] },
      { name: "uint16", values: [0, 65535, 7, NaN] },
      { name: "uint32", values: [0, 4294967296, 7, NaN] },
      { name: "uint64", values: [0, 2 ** 63, 7, NaN] },
      { name: "float16", values: [0.5, -2, 65504, NaN] },
      { name: "float32", values: [Math.fround(0.1), Infinity, NaN, NaN] },
      { name: "float64", values: [Math.fround(0.1), -Infinity, Infinity, NaN] },
    ];

    it.each(columns)("column $name converts", async ({ name, values }) => {
      const table = await readParquet(fileSource(WRITTEN + "types.parquet"));
      const j = table.featureNames.indexOf(name);
      expect(j).toBeGreaterThanOrEqual(0);
      expect(Array.from(table.columns[j])).toEqual(values);
    });

    it("feature names in file order", async () => {
      const table = await readParquet(fileSource(WRITTEN + "types.parquet"));
      expect(table.featureNames).toEqual(columns.map((column) => column.name));
    });

    it("identifier and duplicate dropped", async () => {
      const table = await readParquet(fileSource(WRITTEN + "types.parquet"));
      const file = WRITTEN + "types.parquet";
      expect(table.droppedColumns).toEqual([
        { name: "Source Port", reason: "identifier", where: [{ file, position: 0 }] },
        { name: "Flow ID", reason: "identifier", where: [{ file, position: 1 }] },
        { name: "Protocol", reason: "duplicate", where: [{ file, position: 3 }] },
      ]);
    });

    it("dictionary label in first-seen order", async () => {
      const table = await readParquet(fileSource(WRITTEN + "types.parquet"));
      expect(table.labelNames).toEqual(["Syn", "Benign"]);
      expect(Array.from(table.labels)).toEqual([0, 1, 0, 0]);
      expect(table.sources[0].rawLabels).toEqual(new Map([["Syn", 3], ["Benign", 1]]));
    });
  });

  it("large_utf8 label", async () => {
    const table = await readParquet(fileSource(WRITTEN + "large-utf8-label.parquet"));
    expect(table.labelNames).toEqual(["DrDoS_NTP", "Benign"]);
    expect(Array.from(table.labels)).toEqual([0, 1, 0]);
    expect(Array.from(table.columns[0])).toEqual([1, 2, 3]);
  });

  it("in-memory source", async () => {
    const bytes = await readBytes(MADE_HERE + "Syn-testing.parquet");
    const table = await readParquet(bytesSource("Syn-testing.parquet", bytes));
    expect(table.featureNames.length).toBe(77);
    expect(table.sources[0].rawLabels).toEqual(new Map([["Syn", 3300], ["Benign", 1]]));
    expect(table.sources[0].file).toBe("Syn-testing.parquet");
  });

  const failures = [
    {
      case: "missing Label",
      file: "no-label.parquet",
      error: TypeError,
      message: /^parquet: could not read labels: column "Label" is missing from the 2 columns \("Flow Duration", "Class"\); file: .*no-label\.parquet\. Write/,
    },
    {
      case: "text feature",
      file: "text-feature.parquet",
      error: TypeError,
      message: /^parquet: could not read feature column "Flow Bytes\/s" as numbers: its type is Utf8, .*; file: .*text-feature\.parquet, column 1\. Cast/,
    },
    {
      case: "numeric label",
      file: "numeric-label.parquet",
      error: TypeError,
      message: /^parquet: could not read labels from column "Label": its type is Int8, .*; file: .*numeric-label\.parquet, column 1\. Write/,
    },
    {
      case: "null label",
      file: "null-label.parquet",
      error: TypeError,
      message: /^parquet: could not read the label of row 2 \(0-based\): it is null, .*; file: .*null-label\.parquet, column "Label", row group 1\. Remove/,
    },
  ];

  it.each(failures)("$case is rejected", async ({ file, error, message }) => {
    const reading = readParquet(fileSource(WRITTEN + file));
    await expect(reading).rejects.toThrow(error);
    await expect(reading).rejects.toThrow(message);
  });

  it("non-parquet bytes are rejected", async () => {
    const reading = readParquet(fileSource(HEADS + "Syn.head.csv"));
    await expect(reading).rejects.toThrow(SyntaxError);
    await expect(reading).rejects.toThrow(/^parquet: could not read the footer \(.*\); file: .*Syn\.head\.csv \(\d+ bytes\)\. Check/);
  });

  it("damaged row group is rejected", async () => {
    const bytes = new Uint8Array(await readBytes(WRITTEN + "Syn-head.parquet"));
    bytes.fill(0xff, 100, 4000);
    const reading = readParquet(bytesSource("damaged.parquet", bytes));
    await expect(reading).rejects.toThrow(SyntaxError);
    await expect(reading).rejects.toThrow(/^parquet: could not decode row group 0 of 3 \(.*\); file: damaged\.parquet\. Check/);
  });

  it("truncated parquet is rejected", async () => {
    const bytes = await readBytes(WRITTEN + "Syn-head.parquet");
    const reading = readParquet(bytesSource("cut.parquet", bytes.subarray(0, bytes.length - 100)));
    await expect(reading).rejects.toThrow(SyntaxError);
  });
});
