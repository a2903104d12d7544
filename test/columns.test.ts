import { describe, expect, it } from "vitest";
import { concatTables, planHeader } from "../src/columns.ts";
import { readCsv } from "../src/csv.ts";
import { bytesSource } from "../src/source.ts";
import type { FlowTable } from "../src/table.ts";
import { fileSource } from "./support/platform.ts";

const CASES = "test/data/cases";

function loadText(name: string, text: string): Promise<FlowTable> {
  return readCsv(bytesSource(name, new TextEncoder().encode(text)));
}

function rowLabels(table: FlowTable): string[] {
  return Array.from(table.labels, (code) => table.labelNames[code]);
}

describe("planHeader", () => {
  it("trims names and assigns roles", () => {
    const plan = planHeader(["Flow ID", " Flow Duration", "Total Fwd Packets", " Label"], "a.csv", "csv");
    expect(plan.names).toEqual(["Flow ID", "Flow Duration", "Total Fwd Packets", "Label"]);
    expect(plan.featureNames).toEqual(["Flow Duration", "Total Fwd Packets"]);
    expect(plan.featurePositions).toEqual([1, 2]);
    expect(plan.labelPosition).toBe(3);
    expect(plan.droppedColumns).toEqual([{ name: "Flow ID", reason: "identifier", where: [{ file: "a.csv", position: 0 }] }]);
  });

  it("renames an exact duplicate to .1", () => {
    const plan = planHeader([" Fwd Header Length", " x", " Fwd Header Length", " Label"], "b.csv", "csv");
    expect(plan.names).toEqual(["Fwd Header Length", "x", "Fwd Header Length.1", "Label"]);
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0].file).toBe("b.csv");
    expect(plan.warnings[0].message).toContain("columns 1 and 3");
  });

  it("numbers a third copy .2", () => {
    const plan = planHeader(["a", "a", "a", "Label"], "c.csv", "csv");
    expect(plan.names).toEqual(["a", "a.1", "a.2", "Label"]);
    expect(plan.warnings).toHaveLength(2);
  });

  it("skips a suffix that the header already uses", () => {
    const plan = planHeader(["a", "a", "a.1", "Label"], "d.csv", "csv");
    expect(plan.names).toEqual(["a", "a.2", "a.1", "Label"]);
  });

  it("drops a duplicated identifier as identifier", () => {
    const plan = planHeader(["Timestamp", "Timestamp", "x", "Label"], "e.csv", "csv");
    expect(plan.droppedColumns.map((d) => d.name)).toEqual(["Timestamp", "Timestamp.1"]);
    expect(plan.featureNames).toEqual(["x"]);
  });

  it.each([
    ["spaced and plain label", ["Label", "x", " Label"], /"Label" \(column 1\) and " Label" \(column 3\) both become "Label"/],
    ["trailing space", ["x ", " x", "Label"], /"x " \(column 1\) and " x" \(column 2\)/],
  ])("rejects a trimming collision: %s", (_, names, message) => {
    expect(() => planHeader(names, "f.csv", "csv")).toThrow(SyntaxError);
    expect(() => planHeader(names, "f.csv", "csv")).toThrow(message);
  });

  it("rejects a header without Label", () => {
    expect(() => planHeader(["a", " Labels"], "g.parquet", "parquet")).toThrow(/^parquet: no "Label" column in the header of g\.parquet; found 2 columns: "a", "Labels"/);
  });
});

describe("concatTables", () => {
  it("matches header-spaced and header-trimmed by name", async () => {
    const spaced = await readCsv(fileSource(`${CASES}/header-spaced.csv`));
    const trimmed = await readCsv(fileSource(`${CASES}/header-trimmed.csv`));
    const table = concatTables([spaced, trimmed]);
    expect(spaced.sources[0].header).toHaveLength(88);
    expect(trimmed.sources[0].header).toEqual(spaced.sources[0].header);
    expect(table.featureNames).toEqual(spaced.featureNames);
    expect(table.featureNames).toHaveLength(79);
    expect(table.rowCount).toBe(4);
    expect(table.columns.every((values) => values.every((value) => !Number.isNaN(value)))).toBe(true);
    expect(table.droppedColumns.filter((d) => d.reason === "missing-in-some-files")).toEqual([]);
  });

  it("merges the raw labels of both days", async () => {
    const day2 = await readCsv(fileSource(`${CASES}/labels-01-12.csv`));
    const day1 = await readCsv(fileSource(`${CASES}/labels-03-11.csv`));
    const table = concatTables([day2, day1]);
    expect(table.labelNames).toHaveLength(12);
    expect(table.labelNames).toEqual([
      "DrDoS_LDAP", "DrDoS_MSSQL", "DrDoS_NetBIOS", "DrDoS_UDP", "UDP-lag", "Syn", "BENIGN",
      "LDAP", "MSSQL", "NetBIOS", "UDP", "UDPLag",
    ]);
    expect(rowLabels(table).slice(7)).toEqual(["LDAP", "MSSQL", "NetBIOS", "UDP", "UDPLag", "Syn", "BENIGN"]);
    expect(table.sources.map((s) => [...s.rawLabels.keys()].length)).toEqual([7, 7]);
  });

  it("matches columns in a different order", async () => {
    const first = await loadText("first.csv", "a,b,Label\n1,2,x\n");
    const second = await loadText("second.csv", "b,Label,a\n20,y,10\n");
    const table = concatTables([first, second]);
    expect(table.featureNames).toEqual(["a", "b"]);
    expect(Array.from(table.columns[0])).toEqual([1, 10]);
    expect(Array.from(table.columns[1])).toEqual([2, 20]);
  });

  it("drops a column missing in some files", async () => {
    const first = await loadText("first.csv", "a,b,Label\n1,2,x\n");
    const second = await loadText("second.csv", "a,c,Label\n3,4,y\n");
    const table = concatTables([first, second]);
    expect(table.featureNames).toEqual(["a"]);
    expect(table.droppedColumns).toEqual([
      { name: "b", reason: "missing-in-some-files", where: [{ file: "first.csv", position: 1 }] },
      { name: "c", reason: "missing-in-some-files", where: [{ file: "second.csv", position: 1 }] },
    ]);
  });

  it("remaps labels and offsets file indices", async () => {
    const first = await loadText("first.csv", "a,Label\n1,x\n2,y\n");
    const second = await loadText("second.csv", "a,Label\n\n3,y\n4,z\n");
    const table = concatTables([first, second]);
    expect(table.labelNames).toEqual(["x", "y", "z"]);
    expect(rowLabels(table)).toEqual(["x", "y", "y", "z"]);
    expect(Array.from(table.fileIndex)).toEqual([0, 0, 1, 1]);
    expect(Array.from(table.lineNumbers)).toEqual([2, 3, 3, 4]);
    expect(table.sources.map((s) => [s.file, s.firstRow, s.rowCount])).toEqual([["first.csv", 0, 2], ["second.csv", 2, 2]]);
    expect(table.skipped).toEqual({ repeatedHeader: 0, emptyRow: 1 });
  });

  it("keeps nested sources when concatenating twice", async () => {
    const a = await loadText("a.csv", "v,Label\n1,x\n");
    const b = await loadText("b.csv", "v,Label\n2,y\n");
    const c = await loadText("c.csv", "v,Label\n3,x\n");
    const table = concatTables([concatTables([a, b]), c]);
    expect(Array.from(table.fileIndex)).toEqual([0, 1, 2]);
    expect(table.sources.map((s) => s.firstRow)).toEqual([0, 1, 2]);
    expect(rowLabels(table)).toEqual(["x", "y", "x"]);
  });

  it("merges dropped identifiers and warnings", async () => {
    const first = await loadText("first.csv", "Flow ID,a,a,Label\nf,1,2,x\n");
    const second = await loadText("second.csv", "a,Flow ID,a,Label\n3,f,4,y\n");
    const table = concatTables([first, second]);
    expect(table.droppedColumns).toEqual([
      { name: "Flow ID", reason: "identifier", where: [{ file: "first.csv", position: 0 }, { file: "second.csv", position: 1 }] },
    ]);
    expect(table.warnings.map((w) => w.file)).toEqual(["first.csv", "second.csv"]);
    expect(Array.from(table.columns[1])).toEqual([2, 4]);
  });

  it("returns a single table unchanged", async () => {
    const only = await loadText("only.csv", "a,Label\n1,x\n");
    expect(concatTables([only])).toBe(only);
  });

  it("rejects an empty list", () => {
    expect(() => concatTables([])).toThrow(RangeError);
  });
});
