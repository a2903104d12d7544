// Writes the parquet test files in test/data/parquet-wasm/ with parquet-wasm's
// own writer, in the layout of the cleaned CIC-DDoS2019 parquet release:
// names trimmed, identifiers, time, `Inbound` and `Fwd Header Length.1`
// removed, `Label` last, snappy, several row groups per file.
//
//   node test/support/make_parquet.mjs
//
// The output is deterministic for a given parquet-wasm and apache-arrow
// version, so running it again rewrites the same files.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as arrow from "apache-arrow";
// The package's Node entry (CommonJS) instantiates the wasm itself when imported.
import * as parquet from "parquet-wasm";

const HEADS = new URL("../data/heads/01-12/", import.meta.url);
const OUTPUT = new URL("../data/parquet-wasm/", import.meta.url);

/** Rows taken from the start of each head file. */
const ROWS_PER_FILE = 300;

/** Columns of the original CSV files that the release does not contain. */
const REMOVED_COLUMNS = new Set([
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
]);

/**
 * Parses the first `rowLimit` data rows of a CIC-DDoS2019 CSV file. The CIC
 * files have no quoted fields, so splitting on commas is exact for them.
 */
function readHead(path, rowLimit) {
  const lines = readFileSync(path, "utf8").split("\n").filter((line) => line.length > 0);
  const header = lines[0].split(",").map((name) => name.trim());
  const rows = lines.slice(1, rowLimit + 1).map((line) => line.split(","));
  for (const row of rows) {
    if (row.length !== header.length) throw new Error(`make_parquet: ${path} has a row of ${row.length} fields, expected ${header.length}`);
  }
  return { header, rows };
}

/** Builds an Arrow table in the release's layout: integer-looking columns as int64, the others as `floatType`. */
function releaseTable({ header, rows }, floatType, dictionaryLabel) {
  const columns = {};
  header.forEach((name, j) => {
    if (REMOVED_COLUMNS.has(name) || name === "Label") return;
    const texts = rows.map((row) => row[j].trim());
    const isInteger = texts.every((text) => /^-?\d+$/.test(text));
    columns[name] = isInteger
      ? arrow.vectorFromArray(texts.map((text) => BigInt(text)), new arrow.Int64())
      : arrow.vectorFromArray(texts.map(Number), floatType);
  });

  const labelIndex = header.indexOf("Label");
  const labels = rows.map((row) => row[labelIndex].trim());
  const labelType = dictionaryLabel ? new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()) : new arrow.Utf8();
  columns.Label = arrow.vectorFromArray(labels, labelType);
  return new arrow.Table(columns);
}

/** Writes `table` as snappy parquet with at most `rowGroupSize` rows per row group. */
function writeParquetFile(name, table, rowGroupSize) {
  const properties = new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression.SNAPPY)
    .setMaxRowGroupSize(rowGroupSize)
    .setCreatedBy("flowguard test/support/make_parquet.mjs with parquet-wasm 0.8.0")
    .build();
  const wasmTable = parquet.Table.fromIPCStream(arrow.tableToIPC(table, "stream"));
  const bytes = parquet.writeParquet(wasmTable, properties);
  writeFileSync(new URL(name, OUTPUT), bytes);
  console.log(`${name}: ${table.numRows} rows, ${table.numCols} columns, ${bytes.length} bytes`);
}

/**
 * Builds a small table with every numeric type, nulls, two identifiers (one of them
 * text), a padded and a repeated name, and a dictionary label with an unused entry.
 */
function typesTable() {
  const labelDictionary = arrow.vectorFromArray(["Benign", "Unused", "Syn"], new arrow.Utf8());
  const labelKeys = arrow.makeVector(new Int32Array([2, 0, 2, 2]));
  const labelType = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
  const label = arrow.makeVector(arrow.makeData({ type: labelType, length: 4, data: labelKeys.data[0].values, dictionary: labelDictionary }));

  return new arrow.Table({
    " Source Port": arrow.vectorFromArray([1, 2, 3, 4], new arrow.Int32()),
    "Flow ID": arrow.vectorFromArray(["a", "b", "c", "d"], new arrow.Utf8()),
    " Protocol": arrow.vectorFromArray([6, 17, null, -128], new arrow.Int8()),
    "Protocol": arrow.vectorFromArray([1, 1, 1, 1], new arrow.Int8()),
    "int16": arrow.vectorFromArray([-32768, 32767, 0, null], new arrow.Int16()),
    "int32": arrow.vectorFromArray([-2147483648, 2147483647, 16777217, null], new arrow.Int32()),
    "int64": arrow.vectorFromArray([-(2n ** 53n), 2n ** 53n, 115799309n, null], new arrow.Int64()),
    "uint8": arrow.vectorFromArray([0, 255, 7, null], new arrow.Uint8()),
    "uint16": arrow.vectorFromArray([0, 65535, 7, null], new arrow.Uint16()),
    "uint32": arrow.vectorFromArray([0, 4294967295, 7, null], new arrow.Uint32()),
    "uint64": arrow.vectorFromArray([0n, 2n ** 63n, 7n, null], new arrow.Uint64()),
    "float16": arrow.vectorFromArray([0.5, -2, 65504, null], new arrow.Float16()),
    "float32": arrow.vectorFromArray([0.1, Infinity, NaN, null], new arrow.Float32()),
    "float64": arrow.vectorFromArray([0.1, -Infinity, 1e300, null], new arrow.Float64()),
    "Label": label,
  });
}

mkdirSync(OUTPUT, { recursive: true });

writeParquetFile("Syn-head.parquet", releaseTable(readHead(new URL("Syn.head.csv", HEADS), ROWS_PER_FILE), new arrow.Float64(), false), 100);
writeParquetFile(
  "DrDoS_LDAP-head.parquet",
  releaseTable(readHead(new URL("DrDoS_LDAP.head.csv", HEADS), ROWS_PER_FILE), new arrow.Float32(), true),
  128,
);
writeParquetFile("types.parquet", typesTable(), 3);
writeParquetFile(
  "large-utf8-label.parquet",
  new arrow.Table({
    "Flow Duration": arrow.vectorFromArray([1, 2, 3], new arrow.Int32()),
    "Label": arrow.vectorFromArray(["DrDoS_NTP", "Benign", "DrDoS_NTP"], new arrow.LargeUtf8()),
  }),
  2,
);
writeParquetFile(
  "no-label.parquet",
  new arrow.Table({
    "Flow Duration": arrow.vectorFromArray([1, 2], new arrow.Int32()),
    "Class": arrow.vectorFromArray(["Syn", "Benign"], new arrow.Utf8()),
  }),
  1,
);
writeParquetFile(
  "text-feature.parquet",
  new arrow.Table({
    "Flow Duration": arrow.vectorFromArray([1, 2], new arrow.Int32()),
    "Flow Bytes/s": arrow.vectorFromArray(["12.5", "Infinity"], new arrow.Utf8()),
    "Label": arrow.vectorFromArray(["Syn", "Benign"], new arrow.Utf8()),
  }),
  1,
);
writeParquetFile(
  "numeric-label.parquet",
  new arrow.Table({
    "Flow Duration": arrow.vectorFromArray([1, 2], new arrow.Int32()),
    "Label": arrow.vectorFromArray([0, 1], new arrow.Int8()),
  }),
  1,
);
writeParquetFile(
  "null-label.parquet",
  new arrow.Table({
    "Flow Duration": arrow.vectorFromArray([1, 2, 3], new arrow.Int32()),
    "Label": arrow.vectorFromArray(["Syn", "Syn", null], new arrow.Utf8()),
  }),
  2,
);
