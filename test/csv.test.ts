import { describe, expect, it } from "vitest";
import { readCsv, type CsvOptions } from "../src/csv.ts";
import { buildTable, CsvParser } from "../src/csv_parser.ts";
import { bytesSource } from "../src/source.ts";
import type { FlowTable } from "../src/table.ts";
import { gunzip, gzip } from "./support/gzip.ts";
import { chunkedSource } from "./support/sources.ts";
import { expectSameTable } from "./support/tables.ts";
import { fileSource, readBytes } from "./support/platform.ts";

const CASES = "test/data/cases";
const HEADS = "test/data/heads/01-12";
const SAMPLE = "data/sample/01-12";

const encoder = new TextEncoder();

function loadCase(name: string, options?: CsvOptions): Promise<FlowTable> {
  return readCsv(fileSource(`${CASES}/${name}`), options);
}

function loadText(text: string, options?: CsvOptions): Promise<FlowTable> {
  return readCsv(bytesSource("inline.csv", encoder.encode(text)), options);
}

function column(table: FlowTable, name: string): Float32Array {
  const index = table.featureNames.indexOf(name);
  if (index < 0) throw new Error(`test: no feature column ${name}`);
  return table.columns[index];
}

/** Value of feature `name` in the row read from `line`. */
function valueAtLine(table: FlowTable, name: string, line: number): number {
  const row = table.lineNumbers.indexOf(line);
  if (row < 0) throw new Error(`test: no row from line ${line}`);
  return column(table, name)[row];
}

function rowLabels(table: FlowTable): string[] {
  return Array.from(table.labels, (code) => table.labelNames[code]);
}

/** Compares everything but the source file names; float columns bit for bit, so NaN equals NaN. */
function countWhere(values: Float32Array, test: (value: number) => boolean): number {
  let count = 0;
  for (const value of values) if (test(value)) count++;
  return count;
}

describe("readCsv nonfinite-rates", () => {
  it("parses exponent form exactly", async () => {
    const table = await loadCase("nonfinite-rates.csv");
    expect(valueAtLine(table, "Flow Bytes/s", 2)).toBe(458000000);
    expect(valueAtLine(table, "Flow Bytes/s", 6)).toBe(229000000);
  });

  it("reads Infinity as +Infinity", async () => {
    const table = await loadCase("nonfinite-rates.csv");
    expect(valueAtLine(table, "Flow Bytes/s", 3)).toBe(Infinity);
    expect(valueAtLine(table, "Flow Packets/s", 3)).toBe(Infinity);
  });

  it("reads NaN and empty as missing, never 0", async () => {
    const table = await loadCase("nonfinite-rates.csv");
    expect(valueAtLine(table, "Flow Bytes/s", 4)).toBeNaN();
    expect(valueAtLine(table, "Flow Bytes/s", 7)).toBeNaN();
  });

  it("keeps the row with an empty SimillarHTTP", async () => {
    const table = await loadCase("nonfinite-rates.csv");
    expect(table.rowCount).toBe(6);
    expect(Array.from(table.lineNumbers)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(table.featureNames).not.toContain("SimillarHTTP");
    expect(table.droppedColumns.find((d) => d.name === "SimillarHTTP")?.reason).toBe("identifier");
  });

  it("counts +Inf and missing per column", async () => {
    const table = await loadCase("nonfinite-rates.csv");
    const bytesPerSecond = column(table, "Flow Bytes/s");
    const packetsPerSecond = column(table, "Flow Packets/s");
    expect(countWhere(bytesPerSecond, (v) => v === Infinity)).toBe(1);
    expect(countWhere(bytesPerSecond, Number.isNaN)).toBe(2);
    expect(countWhere(packetsPerSecond, (v) => v === Infinity)).toBe(2);
    expect(countWhere(packetsPerSecond, Number.isNaN)).toBe(0);
  });

  it("records identifier columns with positions", async () => {
    const table = await loadCase("nonfinite-rates.csv");
    const dropped = Object.fromEntries(table.droppedColumns.map((d) => [d.name, d.where[0].position]));
    expect(dropped).toEqual({
      "Unnamed: 0": 0,
      "Flow ID": 1,
      "Source IP": 2,
      "Source Port": 3,
      "Destination IP": 4,
      "Destination Port": 5,
      Timestamp: 7,
      SimillarHTTP: 85,
    });
    expect(table.droppedColumns.every((d) => d.reason === "identifier")).toBe(true);
  });
});

describe("readCsv case files", () => {
  it("keeps both copies of a duplicate column", async () => {
    const table = await loadCase("duplicate-column-ids2017.csv");
    expect(Array.from(column(table, "Fwd Header Length"))).toEqual([40, 72, 20, 32]);
    expect(Array.from(column(table, "Fwd Header Length.1"))).toEqual([40, 72, 20, 32]);
    expect(table.warnings).toHaveLength(1);
    expect(table.warnings[0].file).toBe(`${CASES}/duplicate-column-ids2017.csv`);
    expect(table.warnings[0].message).toMatch(/columns 35 and 56/);
    expect(table.sources[0].header?.[34]).toBe("Fwd Header Length");
    expect(table.sources[0].header?.[55]).toBe("Fwd Header Length.1");
  });

  it("loads split-flow-duplicates whole", async () => {
    const table = await loadCase("split-flow-duplicates.csv");
    expect(table.rowCount).toBe(6);
    expect(rowLabels(table)).toEqual(["NetBIOS", "NetBIOS", "NetBIOS", "Portmap", "Syn", "BENIGN"]);
  });

  it("keeps negative sentinels as numbers", async () => {
    const table = await loadCase("negative-sentinels-ids2017.csv");
    expect(table.rowCount).toBe(4);
    expect(Math.min(...column(table, "Flow Duration"))).toBe(-13);
    expect(Math.min(...column(table, "Init_Win_bytes_forward"))).toBe(-1);
    expect(table.columns.every((values) => countWhere(values, Number.isNaN) === 0)).toBe(true);
  });

  it("takes labels from the label column", async () => {
    const day2 = await loadCase("labels-01-12.csv");
    const day1 = await loadCase("labels-03-11.csv");
    expect(day2.labelNames).toEqual(["DrDoS_LDAP", "DrDoS_MSSQL", "DrDoS_NetBIOS", "DrDoS_UDP", "UDP-lag", "Syn", "BENIGN"]);
    expect(day1.labelNames).toEqual(["LDAP", "MSSQL", "NetBIOS", "UDP", "UDPLag", "Syn", "BENIGN"]);
    expect(new Set([...day2.labelNames, ...day1.labelNames]).size).toBe(12);
    expect([...day2.sources[0].rawLabels.values()]).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it("skips a repeated header with a warning", async () => {
    const file = `${CASES}/repeated-header-ids2018.csv`;
    const table = await loadCase("repeated-header-ids2018.csv");
    expect(table.rowCount).toBe(4);
    expect(Array.from(table.lineNumbers)).toEqual([2, 3, 5, 6]);
    expect(table.skipped.repeatedHeader).toBe(1);
    expect(table.warnings).toHaveLength(1);
    expect(table.warnings[0].line).toBe(4);
    expect(table.warnings[0].file).toBe(file);
    expect(table.warnings[0].message).toContain(file);
    expect(table.warnings[0].message).toContain("line 4");
  });

  it("reads repeated-header rows as numbers", async () => {
    const table = await loadCase("repeated-header-ids2018.csv");
    expect(Array.from(column(table, "Flow Duration"))).toEqual([141385, 281, 4027, 0]);
    expect(valueAtLine(table, "Flow Byts/s", 6)).toBeNaN();
    expect(valueAtLine(table, "Flow Pkts/s", 6)).toBeNaN();
    expect(valueAtLine(table, "Flow Byts/s", 5)).toBe(Math.fround(39980.13409));
    expect(table.featureNames).not.toContain("Timestamp");
  });

  it("rejects a repeated header in strict mode", async () => {
    await expect(loadCase("repeated-header-ids2018.csv", { strict: true })).rejects.toThrow(SyntaxError);
    await expect(loadCase("repeated-header-ids2018.csv", { strict: true })).rejects.toThrow(/repeated-header-ids2018\.csv, line 4/);
  });

  it("rejects cp1252 bytes as UTF-8", async () => {
    const error = await loadCase("cp1252-labels-ids2017.csv").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyntaxError);
    const message = (error as Error).message;
    expect(message).toContain("cp1252-labels-ids2017.csv");
    expect(message).toContain("line 3");
    expect(message).toContain("byte offset 1971");
    expect(message).toContain("windows-1252");
  });

  it("decodes every windows-1252 byte 0x80 to 0x9F", async () => {
    const high = Array.from({ length: 32 }, (_, i) => 0x80 + i);
    const bytes = new Uint8Array([...encoder.encode("a,Label\n1,"), ...high, 0x0a]);
    const table = await readCsv(bytesSource("cp1252.csv", bytes), { encoding: "windows-1252" });
    const expected = [
      0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
      0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
    ];
    expect(table.labelNames[0]).toBe(String.fromCharCode(...expected));
  });

  it("reads cp1252 labels as windows-1252", async () => {
    const table = await loadCase("cp1252-labels-ids2017.csv", { encoding: "windows-1252" });
    expect(table.labelNames).toEqual(["BENIGN", "Web Attack \u2013 Brute Force", "Web Attack \u2013 XSS"]);
    expect(table.labelNames.some((name) => name.includes("\uFFFD"))).toBe(false);
    expect(table.rowCount).toBe(3);
    expect(table.skipped.emptyRow).toBe(2);
  });
});

/** Rows and label counts of the real heads, recorded when they were copied from the original CIC files. */
const HEAD_COUNTS: [string, number, Record<string, number>][] = [
  ["DrDoS_DNS", 374, { DrDoS_DNS: 346, BENIGN: 28 }],
  ["DrDoS_LDAP", 474, { DrDoS_LDAP: 474 }],
  ["DrDoS_MSSQL", 472, { DrDoS_MSSQL: 472 }],
  ["DrDoS_NTP", 367, { BENIGN: 295, DrDoS_NTP: 72 }],
  ["DrDoS_NetBIOS", 473, { DrDoS_NetBIOS: 470, BENIGN: 3 }],
  ["DrDoS_SNMP", 483, { DrDoS_SNMP: 483 }],
  ["DrDoS_SSDP", 468, { DrDoS_SSDP: 468 }],
  ["DrDoS_UDP", 421, { DrDoS_UDP: 421 }],
  ["Syn", 443, { Syn: 441, BENIGN: 2 }],
  ["TFTP", 483, { TFTP: 483 }],
  ["UDPLag", 427, { "UDP-lag": 427 }],
];

/** Rows and label counts of the shipped gzip sample, from data/sample/PROVENANCE.md. */
const SAMPLE_COUNTS: [string, number, Record<string, number>][] = [
  ["DrDOS_DNS", 3110, { DrDoS_DNS: 2603, BENIGN: 507 }],
  ["DrDOS_LDAP", 7723, { DrDoS_LDAP: 7721, BENIGN: 2 }],
  ["DrDOS_MSSQL", 7506, { DrDoS_MSSQL: 7505, BENIGN: 1 }],
  ["DrDOS_NTP", 7509, { BENIGN: 6180, DrDoS_NTP: 1329 }],
  ["DrDOS_NetBIOS", 7460, { DrDoS_NetBIOS: 7451, BENIGN: 9 }],
  ["DrDOS_UDP", 7185, { DrDoS_UDP: 7185 }],
  ["Syn", 7717, { Syn: 7715, BENIGN: 2 }],
];

describe("readCsv real files", () => {
  it.each(HEAD_COUNTS)("loads head %s", async (name, rows, labels) => {
    const table = await readCsv(fileSource(`${HEADS}/${name}.head.csv`));
    expect(table.rowCount).toBe(rows);
    expect(Object.fromEntries(table.sources[0].rawLabels)).toEqual(labels);
    expect(table.featureNames).toHaveLength(79);
    expect(table.sources[0].header).toHaveLength(88);
    expect(table.warnings).toEqual([]);
  });

  it.each(SAMPLE_COUNTS)("loads gzip sample %s", async (name, rows, labels) => {
    const table = await readCsv(fileSource(`${SAMPLE}/${name}.csv.gz`));
    expect(table.rowCount).toBe(rows);
    expect(Object.fromEntries(table.sources[0].rawLabels)).toEqual(labels);
    expect(table.featureNames).toHaveLength(79);
    expect(table.skipped).toEqual({ repeatedHeader: 0, emptyRow: 0 });
  });

  it("matches Number() on every sample value", async () => {
    const path = `${SAMPLE}/DrDOS_NTP.csv.gz`;
    const table = await readCsv(fileSource(path));
    const lines = new TextDecoder().decode(await gunzip(await readBytes(path))).split("\r\n").filter((line) => line !== "");
    const header = lines[0].split(",").map((name) => name.trim());
    const positions = table.featureNames.map((name) => header.indexOf(name));
    let mismatches = 0;
    for (let row = 0; row < table.rowCount; row++) {
      const fields = lines[row + 1].split(",");
      positions.forEach((position, j) => {
        const text = fields[position];
        const expected = text === "" ? NaN : text === "Infinity" ? Infinity : Number(text);
        if (!Object.is(table.columns[j][row], Math.fround(expected))) mismatches++;
      });
    }
    expect(table.rowCount).toBe(7509);
    expect(mismatches).toBe(0);
  });
});

describe("readCsv streaming", () => {
  it.each([
    ["nonfinite-rates.csv", {}],
    ["repeated-header-ids2018.csv", {}],
    ["cp1252-labels-ids2017.csv", { encoding: "windows-1252" as const }],
  ])("gives one table for every chunk size: %s", async (name, options) => {
    const bytes = await readBytes(`${CASES}/${name}`);
    const whole = await readCsv(bytesSource(name, bytes), options);
    for (let size = 1; size <= 64; size++) {
      const chunked = await readCsv(chunkedSource(name, bytes, size), options);
      expectSameTable(chunked, whole);
    }
  });

  it("gives one table for every chunk size: quoted CRLF", async () => {
    const text = '\uFEFFa,"Flow ID", Label\r\n1,"id, 1",x\r\n"3","id ""2""","y ""z"""\r\n5,"6\r\n7",w';
    const bytes = encoder.encode(text);
    const whole = await readCsv(bytesSource("quoted.csv", bytes));
    for (let size = 1; size <= 64; size++) {
      expectSameTable(await readCsv(chunkedSource("quoted.csv", bytes, size)), whole);
    }
  });

  it("gives one table for gzip and plain", async () => {
    const plainBytes = await readBytes(`${HEADS}/Syn.head.csv`);
    const plain = await readCsv(bytesSource("Syn.head.csv", plainBytes));
    const gzipped = await readCsv(bytesSource("Syn.head.csv.gz", await gzip(plainBytes)));
    expectSameTable(gzipped, plain);
  });

  it("gives one table for gzip sample and its plain text", async () => {
    const gzipped = await readBytes(`${SAMPLE}/Syn.csv.gz`);
    const fromGzip = await readCsv(bytesSource("Syn.csv.gz", gzipped));
    const fromPlain = await readCsv(chunkedSource("Syn.csv", await gunzip(gzipped), 4093));
    expectSameTable(fromPlain, fromGzip);
  });

  it("detects gzip by content, not by name", async () => {
    const bytes = await gzip(encoder.encode("a,Label\n1,x\n"));
    const table = await readCsv(bytesSource("no-extension", bytes));
    expect(Array.from(table.columns[0])).toEqual([1]);
    const gzipSplit = await readCsv(chunkedSource("no-extension", bytes, 1));
    expect(Array.from(gzipSplit.columns[0])).toEqual([1]);
  });

  it("reports progress up to the source size", async () => {
    const path = `${SAMPLE}/DrDOS_LDAP.csv.gz`;
    const progress: number[] = [];
    const source = fileSource(path);
    await readCsv(source, { onProgress: (bytesRead) => progress.push(bytesRead) });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(source.size);
    expect(progress.every((value, i) => i === 0 || value >= progress[i - 1])).toBe(true);
  });
});

describe("readCsv numbers", () => {
  const cases: [string, string, number][] = [
    ["integer", "42", 42],
    ["negative", "-13", -13],
    ["plus sign", "+7", 7],
    ["negative zero", "-0", -0],
    ["decimal", "186.6794", 186.6794],
    ["no integer part", ".5", 0.5],
    ["no fraction digits", "5.", 5],
    ["exponent", "4.58E8", 458000000],
    ["exponent 2.944E9", "2.944E9", 2944000000],
    ["lower-case exponent", "1.5e-3", 0.0015],
    ["exponent with plus", "1E+2", 100],
    ["large negative", "-212543795000", -212543795000],
    ["17 digits", "12345678901234567", 12345678901234567],
    ["exponent beyond 1e22", "1e25", 1e25],
    ["tiny", "1e-30", 1e-30],
    ["overflow", "1e400", Infinity],
    ["Infinity", "Infinity", Infinity],
    ["-Infinity", "-Infinity", -Infinity],
    ["inf lower case", "inf", Infinity],
    ["-INF", "-INF", -Infinity],
    ["+infinity", "+infinity", Infinity],
    ["NaN", "NaN", NaN],
    ["nan lower case", "nan", NaN],
    ["empty", "", NaN],
    ["spaces", "  12 ", 12],
    ["quoted", '"3.5"', 3.5],
  ];

  it.each(cases)("parses %s", async (_, text, expected) => {
    const table = await loadText(`x,Label\n${text},a\n`);
    expect(Object.is(table.columns[0][0], Math.fround(expected))).toBe(true);
  });

  it("equals Number() on random decimals", async () => {
    let state = 12345;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const texts: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const digits = Math.floor(random() * 1e9).toString() + Math.floor(random() * 1e9).toString();
      const cut = 1 + Math.floor(random() * (digits.length - 1));
      const exponent = Math.floor(random() * 60) - 30;
      const sign = random() < 0.3 ? "-" : "";
      texts.push(i % 3 === 0 ? `${sign}${digits.slice(0, cut)}.${digits.slice(cut)}` : `${sign}${digits.slice(0, cut)}.${digits.slice(cut)}e${exponent}`);
    }
    const table = await loadText(`x,Label\n${texts.map((t) => `${t},a`).join("\n")}\n`);
    const mismatched = texts.filter((text, i) => !Object.is(table.columns[0][i], Math.fround(Number(text))));
    expect(mismatched).toEqual([]);
  });

  it.each(["abc", "0x10", "1e", "--1", "1.2.3", "12a", "1,5"])("rejects %s", async (text) => {
    const csv = text === "1,5" ? 'x,Label\n"1,5",a\n' : `x,Label\n${text},a\n`;
    await expect(loadText(csv)).rejects.toThrow(SyntaxError);
  });
});

describe("readCsv errors", () => {
  it("names file, line and counts for a wrong field count", async () => {
    const error = await loadText("a,b,Label\n1,2,x\n3,y\n").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyntaxError);
    const message = (error as Error).message;
    expect(message).toMatch(/^csv: /);
    expect(message).toContain("inline.csv");
    expect(message).toContain("line 3");
    expect(message).toContain("2 fields");
    expect(message).toContain("header has 3");
  });

  it("says field for a one-field row", async () => {
    await expect(loadText("a,b,Label\n1,2,x\n7\n")).rejects.toThrow(/row has 1 field but the header has 3; in inline\.csv, line 3/);
  });

  it("rejects a row with too many fields", async () => {
    await expect(loadText("a,Label\n1,x,9\n")).rejects.toThrow(/row has 3 fields but the header has 2; in inline\.csv, line 2/);
  });

  it("names file, line and column for a non-numeric feature", async () => {
    const error = await loadText(" Flow ID,Flow Duration, Total Fwd Packets, Label\nf,5,7,x\nf,6,seven,x\n").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyntaxError);
    const message = (error as Error).message;
    expect(message).toContain('"seven"');
    expect(message).toContain("inline.csv");
    expect(message).toContain("line 3");
    expect(message).toContain('column "Total Fwd Packets"');
    expect(message).toContain("position 3");
  });

  it("names both originals when trimming collides", async () => {
    const error = await loadText("Label,a, Label\nx,1,y\n").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyntaxError);
    expect((error as Error).message).toContain('"Label" (column 1)');
    expect((error as Error).message).toContain('" Label" (column 3)');
  });

  it("lists the columns of a header without Label", async () => {
    await expect(loadText("a, b\n1,2\n")).rejects.toThrow(/no "Label" column .* found 2 columns: "a", "b"/);
  });

  it("rejects an empty file", async () => {
    await expect(loadText("")).rejects.toThrow(/no header line/);
  });

  it("rejects an empty label", async () => {
    await expect(loadText("a,Label\n1, \n")).rejects.toThrow(/empty label; .* line 2/);
  });

  it("rejects an unterminated quote", async () => {
    await expect(loadText('a,Label\n1,"x\n')).rejects.toThrow(/not closed .* line 2/);
  });

  it("rejects text after a closing quote", async () => {
    await expect(loadText('a,Label\n1,"x"y\n')).rejects.toThrow(/after a closing quote/);
  });

  it("rejects invalid UTF-8 in an identifier column", async () => {
    const bytes = new Uint8Array([...encoder.encode("Flow ID,a,Label\nab"), 0xff, ...encoder.encode(",1,x\n")]);
    await expect(readCsv(bytesSource("bad.csv", bytes))).rejects.toThrow(/byte 0xff .* line 2, byte offset 18/);
  });

  it("rejects an unknown encoding", async () => {
    await expect(loadText("a,Label\n", { encoding: "latin9" as "utf-8" })).rejects.toThrow(RangeError);
  });
});

describe("readCsv rows", () => {
  it("skips blank and comma-only lines but not the final newline", async () => {
    const table = await loadText("a,b,Label\n1,2,x\n\n,,\r\n3,4,y\n");
    expect(table.rowCount).toBe(2);
    expect(table.skipped.emptyRow).toBe(2);
    expect(Array.from(table.lineNumbers)).toEqual([2, 5]);
  });

  it.each([
    ["repeated header", "a,Label\n1,x\na,Label", { repeatedHeader: 1, emptyRow: 0 }],
    ["lone CR", "a,Label\n1,x\n\r", { repeatedHeader: 0, emptyRow: 1 }],
  ])("ends cleanly on a last %s", async (_, text, skipped) => {
    const table = await loadText(text);
    expect(table.rowCount).toBe(1);
    expect(table.skipped).toEqual(skipped);
  });

  it("reads CRLF, BOM and a last line without newline", async () => {
    const table = await loadText("\uFEFFa,Label\r\n1,x\r\n2,y");
    expect(table.featureNames).toEqual(["a"]);
    expect(Array.from(table.columns[0])).toEqual([1, 2]);
    expect(table.labelNames).toEqual(["x", "y"]);
  });

  it("reads quoted fields", async () => {
    const table = await loadText('a,"Flow ID",Label\n1,"x,\ny","say ""hi"""\n2,z, plain \n');
    expect(Array.from(table.columns[0])).toEqual([1, 2]);
    expect(table.labelNames).toEqual(['say "hi"', "plain"]);
    expect(Array.from(table.lineNumbers)).toEqual([2, 4]);
  });

  it("keeps a header without rows as an empty table", async () => {
    const table = await loadText("a, Label");
    expect(table.rowCount).toBe(0);
    expect(table.featureNames).toEqual(["a"]);
  });

  it("warns about a stored replacement character", async () => {
    const table = await loadText("a,Label\n1,Web Attack \uFFFD XSS\n");
    expect(table.labelNames).toEqual(["Web Attack \uFFFD XSS"]);
    expect(table.warnings).toHaveLength(1);
    expect(table.warnings[0].message).toContain("U+FFFD");
  });

  it("grows past one storage block", async () => {
    const rows = 70000;
    const lines = ["a,b,Label"];
    for (let i = 0; i < rows; i++) lines.push(`${i},${-i},${i % 3 === 0 ? "x" : "y"}`);
    const table = await loadText(lines.join("\n"));
    expect(table.rowCount).toBe(rows);
    expect(table.columns[0][rows - 1]).toBe(rows - 1);
    expect(table.columns[1][65536]).toBe(-65536);
    expect(table.lineNumbers[rows - 1]).toBe(rows + 1);
    expect(table.sources[0].rawLabels.get("x")).toBe(Math.ceil(rows / 3));
  });
});

describe("readCsv block memory", () => {
  it("shrinks copied block buffers to zero", () => {
    const rows = 70000;
    const lines = ["a,b,Label"];
    for (let i = 0; i < rows; i++) lines.push(`${i},${2 * i},${i % 2 === 0 ? "x" : "y"}`);
    const parser = new CsvParser("blocks.csv", "utf-8", false);
    parser.push(encoder.encode(lines.join("\n") + "\n"));
    const parts = parser.finishRows();
    const buffers = parts.blocks.flatMap((block) => [...block.columns, block.labels, block.lineNumbers, block.hashes].map((array) => array.buffer));
    expect(buffers).toHaveLength(2 * 5);
    expect(buffers.every((buffer) => buffer.byteLength === 4 * 65536)).toBe(true);

    const table = buildTable("blocks.csv", parser.planOrThrow(), [parts], [0]);
    expect(table.columns[1][rows - 1]).toBe(2 * (rows - 1));
    expect(table.lineNumbers[65536]).toBe(65538);
    expect(table.labelNames[table.labels[65537]]).toBe("y");
    // Every runtime of the suite has resizable ArrayBuffers; buildTable shrinks each block's to 0 bytes.
    expect(buffers.map((buffer) => buffer.byteLength)).toEqual(buffers.map(() => 0));
  });
});
