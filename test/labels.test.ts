import { describe, expect, it } from "vitest";
import { applyLabels, classOf, countByClass, labelMapByName } from "../src/labels.ts";
import { readCsv } from "../src/csv.ts";
import { concatTables } from "../src/columns.ts";
import { fileSource } from "./support/platform.ts";
import type { FlowTable } from "../src/table.ts";

const CASES = "test/data/cases/";

/** Builds a one-feature table whose rows come from `files`, each a file name and its raw labels. */
function tableOfLabels(files: { file: string; labels: string[] }[]): FlowTable {
  const labelNames: string[] = [];
  const labels: number[] = [];
  const fileIndex: number[] = [];
  const lineNumbers: number[] = [];
  const sources = files.map(({ file, labels: raw }, f) => {
    const rawLabels = new Map<string, number>();
    const firstRow = labels.length;
    raw.forEach((label, i) => {
      if (!labelNames.includes(label)) labelNames.push(label);
      labels.push(labelNames.indexOf(label));
      fileIndex.push(f);
      lineNumbers.push(i + 2);
      rawLabels.set(label, (rawLabels.get(label) ?? 0) + 1);
    });
    return { file, firstRow, rowCount: raw.length, rawLabels };
  });
  const rowCount = labels.length;
  return {
    featureNames: ["Flow Duration"],
    columns: [Float32Array.from(labels, (_, i) => i)],
    labels: Int32Array.from(labels),
    labelNames,
    fileIndex: Uint16Array.from(fileIndex),
    lineNumbers: Uint32Array.from(lineNumbers),
    rowCount,
    sources,
    droppedColumns: [],
    skipped: { repeatedHeader: 0, emptyRow: 0 },
    warnings: [],
  };
}

describe("labelMapByName", () => {
  const study = labelMapByName("study");
  const cases: [raw: string, expected: string][] = [
    ["BENIGN", "Benign"],
    ["DrDoS_LDAP", "LDAP"],
    ["DrDoS_MSSQL", "MSSQL"],
    ["DrDoS_NetBIOS", "NetBIOS"],
    ["DrDoS_UDP", "UDP"],
    ["UDP-lag", "UDPLag"],
    ["LDAP", "LDAP"],
    ["UDPLag", "UDPLag"],
    ["DrDoS_DNS", "DrDoS_DNS"],
    ["Syn", "Syn"],
    ["TFTP", "TFTP"],
    ["Portmap", "Portmap"],
    ["WebDDoS", "WebDDoS"],
  ];
  for (const [raw, expected] of cases) {
    it(`study maps ${raw}`, () => {
      expect(classOf(study, raw)).toBe(expected);
    });
  }

  it("identity keeps every label", () => {
    const identity = labelMapByName("identity");
    expect(classOf(identity, "BENIGN")).toBe("BENIGN");
    expect(classOf(identity, "DrDoS_LDAP")).toBe("DrDoS_LDAP");
  });

  it("ignores inherited object keys", () => {
    expect(classOf(study, "toString")).toBe("toString");
    expect(classOf(study, "constructor")).toBe("constructor");
  });

  it("returns a copy", () => {
    labelMapByName("study").BENIGN = "changed";
    expect(labelMapByName("study").BENIGN).toBe("Benign");
  });

  it("rejects an unknown name", () => {
    expect(() => labelMapByName("paper")).toThrow(RangeError);
    expect(() => labelMapByName("paper")).toThrow(/labels: unknown label map "paper"; expected one of study, identity/);
  });
});

describe("applyLabels", () => {
  const table = tableOfLabels([
    { file: "day1.csv", labels: ["LDAP", "BENIGN", "LDAP", "Syn"] },
    { file: "day2.csv", labels: ["DrDoS_LDAP", "BENIGN", "TFTP"] },
  ]);
  const study = labelMapByName("study");

  it("sorts classes without a list", () => {
    const result = applyLabels(table, study);
    expect(result.classNames).toEqual(["Benign", "LDAP", "Syn", "TFTP"]);
    expect(Array.from(result.classIndex)).toEqual([1, 0, 1, 2, 1, 0, 3]);
    expect(result.removed).toBe(0);
    expect(Array.from(result.rows)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(result.missingClasses).toEqual([]);
  });

  it("filters to the listed classes", () => {
    const result = applyLabels(table, study, ["LDAP", "Benign"]);
    expect(result.classNames).toEqual(["LDAP", "Benign"]);
    expect(Array.from(result.classIndex)).toEqual([0, 1, 0, -1, 0, 1, -1]);
    expect(Array.from(result.rows)).toEqual([0, 1, 2, 4, 5]);
    expect(result.removed).toBe(2);
    expect(result.removedByClass).toEqual({ Syn: 1, TFTP: 1 });
    expect(result.counts).toEqual({ LDAP: 3, Benign: 2 });
  });

  it("reports missing classes", () => {
    const result = applyLabels(table, study, ["Benign", "MSSQL", "DrDoS_LDAP"]);
    expect(result.missingClasses).toEqual(["MSSQL", "DrDoS_LDAP"]);
    expect(result.counts).toEqual({ Benign: 2, MSSQL: 0, DrDoS_LDAP: 0 });
    expect(result.rows.length).toBe(2);
  });

  it("maps raw labels per file", () => {
    const result = applyLabels(table, study, ["LDAP", "Benign"]);
    expect(result.mapping).toEqual([
      { file: "day1.csv", rawLabel: "LDAP", rows: 2, class: "LDAP" },
      { file: "day1.csv", rawLabel: "BENIGN", rows: 1, class: "Benign" },
      { file: "day1.csv", rawLabel: "Syn", rows: 1, class: null },
      { file: "day2.csv", rawLabel: "DrDoS_LDAP", rows: 1, class: "LDAP" },
      { file: "day2.csv", rawLabel: "BENIGN", rows: 1, class: "Benign" },
      { file: "day2.csv", rawLabel: "TFTP", rows: 1, class: null },
    ]);
  });

  it("applies a custom map", () => {
    const result = applyLabels(table, { LDAP: "attack", DrDoS_LDAP: "attack", Syn: "attack", TFTP: "attack" });
    expect(result.classNames).toEqual(["BENIGN", "attack"]);
    expect(result.counts).toEqual({ BENIGN: 2, attack: 5 });
  });

  it("counts rows of a row selection", () => {
    const result = applyLabels(table, study);
    expect(countByClass(result.classIndex, result.classNames, Uint32Array.of(0, 2, 5))).toEqual({
      Benign: 1,
      LDAP: 2,
      Syn: 0,
      TFTP: 0,
    });
  });

  const invalid: [name: string, classes: string[], type: ErrorConstructor, message: RegExp][] = [
    ["empty list", [], RangeError, /labels: the class list is empty/],
    ["repeated class", ["LDAP", "LDAP"], RangeError, /labels: class "LDAP" appears twice in the class list/],
    ["empty name", ["LDAP", ""], TypeError, /labels: invalid class name "" in the class list/],
  ];
  for (const [name, classes, type, message] of invalid) {
    it(`rejects ${name}`, () => {
      expect(() => applyLabels(table, study, classes)).toThrow(type);
      expect(() => applyLabels(table, study, classes)).toThrow(message);
    });
  }
});

describe("applyLabels on case files", () => {
  it("merges both days into 7 classes", async () => {
    const day2 = await readCsv(fileSource(CASES + "labels-01-12.csv"));
    const day1 = await readCsv(fileSource(CASES + "labels-03-11.csv"));
    const table = concatTables([day2, day1]);
    expect(table.labelNames.length).toBe(12);

    const result = applyLabels(table, labelMapByName("study"));
    expect(result.classNames).toEqual(["Benign", "LDAP", "MSSQL", "NetBIOS", "Syn", "UDP", "UDPLag"]);
    for (const name of result.classNames) expect(result.counts[name]).toBe(2);
    expect(result.removed).toBe(0);
    expect(result.mapping.length).toBe(14);
    expect(result.mapping.filter((entry) => entry.file.endsWith("labels-01-12.csv")).map((entry) => entry.rawLabel)).toEqual([
      "DrDoS_LDAP",
      "DrDoS_MSSQL",
      "DrDoS_NetBIOS",
      "DrDoS_UDP",
      "UDP-lag",
      "Syn",
      "BENIGN",
    ]);
    expect(result.mapping.find((entry) => entry.rawLabel === "UDP-lag")?.class).toBe("UDPLag");
    expect(result.mapping.find((entry) => entry.rawLabel === "UDPLag")?.class).toBe("UDPLag");
  });
});
