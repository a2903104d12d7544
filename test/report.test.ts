import { describe, expect, it } from "vitest";
import { drawBar, formatCount, formatFixed, formatSeconds, renderTextTable, truncate, wrapText } from "../src/format.ts";
import { sideMetrics } from "../src/metrics.ts";
import { reportJson, reportMarkdown, reportTerminal } from "../src/report.ts";
import { ACCURACY_NOTE, UNDEFINED_NOTE } from "../src/report_tables.ts";
import type { ExperimentReport, ModelResult } from "../src/report_types.ts";

const CLASSES = ["Benign", "Syn", "UDP", "MSSQL", "LDAP", "NetBIOS"];

// Test-side confusions shaped like dataset 1 of CIC-DDoS2019 (rows true, columns predicted).
const RF_TEST = [
  [7570, 5, 3, 2, 0, 1],
  [12, 90480, 15, 4, 0, 1],
  [2, 9, 257890, 262, 5, 3],
  [1, 0, 410, 50580, 330, 18],
  [0, 0, 11, 290, 3020, 3],
  [2, 0, 4, 55, 1, 2124],
];

// The decision tree never predicts NetBIOS, so its NetBIOS precision is undefined.
const DT_TEST = [
  [7560, 9, 6, 6, 0, 0],
  [20, 90470, 18, 4, 0, 0],
  [5, 12, 257850, 300, 4, 0],
  [3, 1, 450, 50500, 385, 0],
  [0, 0, 14, 330, 2980, 0],
  [4, 0, 6, 2170, 6, 0],
];

const TRAIN_SUPPORT = [30678, 362353, 1030024, 206672, 13717, 9004];

/** Builds a training confusion that misplaces `errors[c]` rows of class c into the next class. */
function nearDiagonal(errors: number[]): number[][] {
  return TRAIN_SUPPORT.map((support, c) => {
    const row = new Array<number>(CLASSES.length).fill(0);
    row[c] = support - errors[c];
    row[(c + 1) % CLASSES.length] += errors[c];
    return row;
  });
}

const DT_IMPORTANCES = [
  { feature: "Fwd Packet Length Max", importance: 0.3121 },
  { feature: "Protocol", importance: 0.1844 },
  { feature: "Flow IAT Min", importance: 0.1203 },
  { feature: "Destination Port", importance: 0.0912 },
  { feature: "Inbound", importance: 0.0688 },
  { feature: "Flow Bytes/s", importance: 0.0571 },
  { feature: "Init_Win_bytes_forward", importance: 0.0443 },
  { feature: "Total Length of Fwd Packets", importance: 0.0391 },
  { feature: "Fwd IAT Total", importance: 0.0302 },
  { feature: "ACK Flag Count", importance: 0.0257 },
  { feature: "min_seg_size_forward", importance: 0.0158 },
  { feature: "Flow Duration", importance: 0.011 },
];

// Deliberately not sorted, so the renderers must rank the features themselves.
const RF_IMPORTANCES = [
  { feature: "Protocol", importance: 0.0821 },
  { feature: "Fwd Packet Length Max", importance: 0.1502 },
  { feature: "Flow Duration", importance: 0.0203 },
  { feature: "Destination Port", importance: 0.1177 },
  { feature: "Average Packet Size", importance: 0.1034 },
  { feature: "Inbound", importance: 0.0745 },
  { feature: "Flow IAT Min", importance: 0.0612 },
  { feature: "URG Flag Count", importance: 0.0098 },
  { feature: "Init_Win_bytes_forward", importance: 0.0566 },
  { feature: "Flow Bytes/s", importance: 0.2301 },
  { feature: "ACK Flag Count", importance: 0.0499 },
  { feature: "Fwd IAT Total", importance: 0.0442 },
];

function model(kind: "dt" | "rf", name: string, train: number[][], test: number[][], importances: ModelResult["importances"]): ModelResult {
  return {
    kind,
    name,
    options: kind === "rf" ? { trees: 100, maxFeatures: "sqrt", bootstrap: true } : { criterion: "gini" },
    fitSeconds: kind === "rf" ? 212.4 : 18.9,
    train: sideMetrics(train, CLASSES),
    test: sideMetrics(test, CLASSES),
    importances,
  };
}

function makeReport(): ExperimentReport {
  return {
    flowguard: { version: "0.1.0", runtime: "node 20.19.0", workers: 1 },
    recipe: {
      name: "ds1",
      description: "Day 1 benign and five attacks, split 80% training / 20% testing.",
      seed: 42,
      split: 0.2,
      classes: [...CLASSES],
      labels: "study",
      trainFiles: ["03-11/LDAP.csv"],
      testFiles: [],
      nonFinite: "drop",
      conflicts: "keep",
      correlationThreshold: 0.97,
    },
    inputs: [
      {
        side: "train",
        file: "03-11/LDAP.csv",
        rows: 2113234,
        rawLabels: [
          { label: "LDAP", rows: 1905191, class: "LDAP" },
          { label: "NetBIOS", rows: 202919, class: "NetBIOS" },
          { label: "BENIGN", rows: 5124, class: "Benign" },
        ],
      },
      {
        side: "train",
        file: "03-11/Portmap.csv",
        rows: 191694,
        rawLabels: [
          { label: "Portmap", rows: 186960, class: null },
          { label: "BENIGN", rows: 4734, class: "Benign" },
        ],
      },
    ],
    rows: {
      train: [
        { step: "loaded", counts: { BENIGN: 57000, LDAP: 1905191, Portmap: 186960 }, total: 2149151 },
        {
          step: "label map and class filter",
          counts: { Benign: 57000, LDAP: 1905191 },
          total: 1962191,
          removed: { "class not in recipe": 186960 },
        },
        {
          step: "duplicates",
          counts: { Benign: 38259, LDAP: 17041 },
          total: 55300,
          removed: { duplicate: 1906891, conflict: 0 },
        },
      ],
      test: [{ step: "split", counts: { Benign: 7581, LDAP: 3324 }, total: 10905 }],
    },
    cleaning: {
      nonFinitePolicy: "drop",
      nonFinite: {
        train: {
          "Flow Bytes/s": { posInf: 1203, negInf: 0, missing: 88 },
          " Flow Packets/s": { posInf: 1291, negInf: 0, missing: 0 },
          "Fwd Packets/s": { posInf: 0, negInf: 0, missing: 0 },
        },
        test: {},
      },
      imputed: { values: 0, fills: { train: {}, test: {} } },
      duplicates: { removed: { train: 1906891, test: 0 }, conflicts: { train: 12, test: 3 }, conflictPolicy: "keep" },
      testRowsEqualToTrainRows: 0,
      skippedRows: { repeatedHeader: 1, emptyRow: 2 },
      warnings: [{ file: "03-11/Portmap.csv", line: 4, message: "repeated header line skipped" }],
    },
    features: {
      summary: {
        Protocol: { min: 0, max: 17, mean: 14.2, std: 4.1 },
        "Flow Duration": { min: -13, max: 119999998, mean: 1532.5, std: 98231.25 },
      },
      kept: ["Protocol", "Flow Duration", "Fwd Packet Length Max", "Flow Bytes/s"],
      dropped: [
        { feature: "Fwd Packet Length Mean", reason: "correlated", partner: "Fwd Packet Length Max", r: 0.98731 },
        { feature: "Bwd PSH Flags", reason: "constant", value: 0 },
      ],
      threshold: 0.97,
    },
    models: [
      model("dt", "decision tree", nearDiagonal([40, 120, 310, 900, 600, 150]), DT_TEST, DT_IMPORTANCES),
      model("rf", "random forest", nearDiagonal([10, 30, 90, 400, 300, 60]), RF_TEST, RF_IMPORTANCES),
    ],
    study: {
      source: "Zinca & Dobrota 2023, dataset 1",
      accuracy: [
        { model: "gnb", train: 0.8884, test: 0.8896 },
        { model: "dt", train: 0.9943, test: 0.9943 },
        { model: "rf", train: 0.9979, test: 0.9945 },
      ],
      f1: [{ model: "rf", perClass: { Benign: 1, Syn: 1, UDP: 1, MSSQL: 0.98, LDAP: 0.91, NetBIOS: 0.97 } }],
    },
    timings: { load: 41.2, clean: 3.9, correlation: 2.1, "fit dt": 18.9, "fit rf": 212.4 },
    notes: ["Test rows come from the same day as the training rows."],
  };
}

/** Returns the cells of the Markdown table that follows `heading`. */
function markdownTableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.indexOf(heading);
  expect(start, `heading ${heading}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("|")) rows.push(line.slice(2, -2).split(" | "));
    else if (rows.length > 0) break;
  }
  return rows;
}

/** Returns the index of the first line after `title` that is neither blank nor a heading underline. */
function contentStart(lines: string[], title: string): number {
  let index = lines.indexOf(title);
  expect(index, `title ${title}`).toBeGreaterThanOrEqual(0);
  index += 1;
  while (/^(═*)$/.test(lines[index])) index += 1;
  return index;
}

/** Returns the cells of the text table under the line `title`: header first, rule skipped. */
function textTableAfter(text: string, title: string): string[][] {
  const lines = text.split("\n");
  const start = contentStart(lines, title);
  const rows: string[][] = [lines[start].trim().split(/ {2,}/)];
  expect(lines[start + 1], "rule under header").toMatch(/^[─ ]+$/);
  for (const line of lines.slice(start + 2)) {
    if (line.trim() === "") break;
    rows.push(line.trim().split(/ {2,}/));
  }
  return rows;
}

function cell(table: string[][], rowName: string, columnName: string): string {
  const column = table[0].indexOf(columnName);
  const row = table.find((cells) => cells[0] === rowName);
  expect(column, `column ${columnName}`).toBeGreaterThan(0);
  expect(row, `row ${rowName}`).toBeDefined();
  return (row as string[])[column];
}

/** Joins the lines of terminal text, undoing the wrapping of prose. */
function unwrap(text: string): string {
  return text.replace(/\n/g, " ");
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

const report = makeReport();
const markdown = reportMarkdown(report);
const terminal = reportTerminal(report, { width: 100 });

describe("reportMarkdown confusion matrix", () => {
  const table = markdownTableAfter(markdown, "#### random forest");
  const cases = [
    { name: "diagonal", actual: "LDAP", predicted: "LDAP" },
    { name: "LDAP as MSSQL", actual: "LDAP", predicted: "MSSQL" },
    { name: "MSSQL as UDP", actual: "MSSQL", predicted: "UDP" },
    { name: "Benign as NetBIOS", actual: "Benign", predicted: "NetBIOS" },
  ];

  it("header lists predicted classes", () => {
    expect(table[0]).toEqual(["true class", ...CLASSES]);
  });

  it("rows list true classes", () => {
    expect(table.slice(2).map((row) => row[0])).toEqual(CLASSES);
  });

  it.each(cases.map((c) => [c.name, c] as const))("cell %s", (_name, testCase) => {
    const expected = RF_TEST[CLASSES.indexOf(testCase.actual)][CLASSES.indexOf(testCase.predicted)];
    expect(cell(table, testCase.actual, testCase.predicted)).toBe(formatCount(expected));
  });

  it("groups thousands", () => {
    expect(cell(table, "UDP", "UDP")).toBe("257,890");
  });
});

describe("reportTerminal confusion matrix", () => {
  const table = textTableAfter(terminal, "random forest");

  it("header lists predicted classes", () => {
    expect(table[0]).toEqual(["true class", ...CLASSES]);
  });

  it("cell LDAP as MSSQL", () => {
    expect(cell(table, "LDAP", "MSSQL")).toBe("290");
  });

  it("cell MSSQL as MSSQL", () => {
    expect(cell(table, "MSSQL", "MSSQL")).toBe("50,580");
  });

  it("right-aligns counts", () => {
    const lines = terminal.split("\n");
    const start = lines.indexOf("random forest");
    const rows = lines.slice(start + 3, start + 3 + CLASSES.length);
    const ends = new Set(rows.map((line) => line.length));
    expect(ends.size).toBe(1);
  });
});

describe("accuracy table", () => {
  const rfTest = report.models[1].test.accuracy;
  const rfTrain = report.models[1].train.accuracy;

  it("markdown has 4 decimals", () => {
    const table = markdownTableAfter(markdown, "### Accuracy");
    expect(cell(table, "random forest", "test accuracy")).toBe(rfTest.toFixed(4));
    expect(cell(table, "random forest", "train accuracy")).toMatch(/^\d\.\d{4}$/);
    expect(cell(table, "random forest", "train accuracy")).toBe(rfTrain.toFixed(4));
  });

  it("markdown shows study beside ours", () => {
    const table = markdownTableAfter(markdown, "### Accuracy");
    expect(cell(table, "random forest", "study test")).toBe("0.9945");
    expect(cell(table, "decision tree", "study train")).toBe("0.9943");
  });

  it("markdown lists study-only model", () => {
    const table = markdownTableAfter(markdown, "### Accuracy");
    expect(cell(table, "gnb (study only)", "study test")).toBe("0.8896");
    expect(cell(table, "gnb (study only)", "test accuracy")).toBe("-");
  });

  it("both renderings explain the study's term", () => {
    expect(count(markdown, ACCURACY_NOTE)).toBe(1);
    expect(count(unwrap(terminal), ACCURACY_NOTE)).toBe(1);
    expect(ACCURACY_NOTE).toContain('"precision"');
  });

  it("terminal has 4 decimals", () => {
    const table = textTableAfter(terminal, "Accuracy");
    expect(cell(table, "random forest", "test accuracy")).toBe(rfTest.toFixed(4));
    expect(cell(table, "random forest", "study test")).toBe("0.9945");
  });

  it("omits study columns without study", () => {
    const plain = reportMarkdown({ ...report, study: undefined });
    const table = markdownTableAfter(plain, "### Accuracy");
    expect(table[0]).toEqual(["model", "train accuracy", "test accuracy"]);
  });
});

describe("per-class table", () => {
  const table = markdownTableAfter(markdown, "### Precision, recall and F1 per class, test rows");

  it("groups columns by model", () => {
    expect(table[0]).toContain("decision tree precision");
    expect(table[0]).toContain("random forest F1");
  });

  it("shows rf LDAP F1", () => {
    const expected = report.models[1].test.perClass.LDAP.f1 as number;
    expect(cell(table, "LDAP", "random forest F1")).toBe(expected.toFixed(4));
  });

  it("shows study F1 beside rf", () => {
    expect(cell(table, "LDAP", "random forest study F1")).toBe("0.91");
  });

  it("shows support once", () => {
    expect(table[0].filter((name) => name.endsWith("support"))).toEqual(["support"]);
    expect(cell(table, "Syn", "support")).toBe("90,512");
  });

  it("closes with averages", () => {
    expect(cell(table, "macro avg", "decision tree recall")).toBe(report.models[0].test.macro.recall.toFixed(4));
    expect(cell(table, "weighted avg", "support")).toBe(formatCount(report.models[0].test.rows));
  });

  it("terminal splits per model when narrow", () => {
    const narrow = reportTerminal(report, { width: 60 });
    const wide = reportTerminal(report, { width: 200 });
    expect(count(narrow, "macro avg")).toBe(2);
    expect(count(wide, "macro avg")).toBe(1);
  });
});

describe("undefined figures", () => {
  it("markdown shows n/a", () => {
    const table = markdownTableAfter(markdown, "### Precision, recall and F1 per class, test rows");
    expect(cell(table, "NetBIOS", "decision tree precision")).toBe("n/a");
  });

  it("markdown keeps defined F1", () => {
    const table = markdownTableAfter(markdown, "### Precision, recall and F1 per class, test rows");
    expect(cell(table, "NetBIOS", "decision tree F1")).toBe("0.0000");
  });

  it("markdown explains convention once", () => {
    expect(count(markdown, UNDEFINED_NOTE)).toBe(1);
  });

  it("terminal explains convention once", () => {
    expect(count(unwrap(terminal), UNDEFINED_NOTE)).toBe(1);
  });

  it("terminal wraps note to width", () => {
    const narrow = reportTerminal(report, { width: 60 });
    const start = narrow.indexOf("n/a marks");
    const note = narrow.slice(start, narrow.indexOf("\n\n", start)).split("\n");
    expect(note.length).toBeGreaterThan(1);
    for (const line of note) expect(line.length, line).toBeLessThanOrEqual(60);
  });

  it("no note without n/a", () => {
    const defined = { ...report, models: [report.models[1]] };
    expect(reportMarkdown(defined)).not.toContain(UNDEFINED_NOTE);
    expect(reportMarkdown(defined)).not.toContain("n/a");
  });

  it("no NaN anywhere", () => {
    // The non-finite table's "+Infinity" and "-Infinity" headers are not values.
    expect(markdown).not.toMatch(/NaN|(?<![+-])Infinity/);
    expect(terminal).not.toMatch(/NaN|(?<![+-])Infinity/);
  });
});

/** Returns the chart lines under a terminal heading, up to the next blank line. */
function chartAfter(text: string, title: string): string[] {
  const lines = text.split("\n");
  const chart: string[] = [];
  for (const line of lines.slice(contentStart(lines, title))) {
    if (line === "") break;
    chart.push(line);
  }
  return chart;
}

const EIGHTHS = " ▏▎▍▌▋▊▉█";

/** Returns a bar's length in eighths of a character cell. */
function barEighths(line: string): number {
  let total = 0;
  for (const char of line) {
    const index = EIGHTHS.indexOf(char);
    if (index > 0) total += index;
  }
  return total;
}

describe("reportTerminal importance chart", () => {
  const cases = [
    { name: "random forest", importances: RF_IMPORTANCES },
    { name: "decision tree", importances: DT_IMPORTANCES },
  ];

  it.each(cases.map((c) => [c.name, c] as const))("%s", (name, testCase) => {
    const chart = chartAfter(terminal, `10 most important features, ${name}`);
    const ranked = [...testCase.importances].sort((a, b) => b.importance - a.importance).slice(0, 10);
    expect(chart).toHaveLength(10);

    const features = chart.map((line) => line.split(/ {2,}/)[0]);
    expect(features).toEqual(ranked.map((entry) => entry.feature));

    const values = chart.map((line) => Number(line.trim().split(" ").at(-1)));
    expect(values).toEqual(ranked.map((entry) => Number(entry.importance.toFixed(4))));

    const lengths = chart.map(barEighths);
    expect(lengths[0]).toBe(Math.max(...lengths));
    for (let i = 1; i < lengths.length; i++) {
      expect(lengths[i], `bar ${i + 1} not longer than bar ${i}`).toBeLessThanOrEqual(lengths[i - 1]);
    }
    expect(lengths[9]).toBeLessThan(lengths[0]);
  });

  it("fits the width", () => {
    const chart = chartAfter(terminal, "10 most important features, random forest");
    for (const line of chart) expect(line.length).toBeLessThanOrEqual(100);
    expect(chart[0].length).toBe(100);
  });

  it("markdown lists top 10 side by side", () => {
    const table = markdownTableAfter(markdown, "### 10 most important features");
    expect(table).toHaveLength(12);
    expect(cell(table, "1", "random forest feature")).toBe("Flow Bytes/s");
    expect(cell(table, "1", "decision tree feature")).toBe("Fwd Packet Length Max");
    expect(cell(table, "10", "decision tree importance")).toBe("0.0257");
  });
});

describe("reportTerminal options", () => {
  it("no color by default", () => {
    expect(terminal).not.toContain("\u001b[");
  });

  it("color adds ANSI escapes", () => {
    expect(reportTerminal(report, { color: true })).toContain("\u001b[1m");
  });
});

describe("reportMarkdown sections", () => {
  it("lists raw labels and classes", () => {
    const table = markdownTableAfter(markdown, "## Inputs");
    const portmap = table.find((row) => row[3] === "Portmap");
    expect(portmap?.[5]).toBe("(filtered out)");
    expect(table.find((row) => row[1] === "03-11/LDAP.csv")?.[2]).toBe("2,113,234");
  });

  it("shows rows per step", () => {
    const table = markdownTableAfter(markdown, "### Training rows");
    expect(cell(table, "LDAP", "duplicates")).toBe("17,041");
    expect(cell(table, "Portmap", "duplicates")).toBe("-");
    expect(cell(table, "total", "loaded")).toBe("2,149,151");
  });

  it("shows rows removed by reason", () => {
    expect(markdown).toContain("- duplicates: removed 1,906,891 (duplicate 1,906,891, conflict 0)");
  });

  it("lists non-finite columns only", () => {
    const table = markdownTableAfter(markdown, "### Non-finite values per column");
    expect(cell(table, "Flow Bytes/s", "+Infinity")).toBe("1,203");
    expect(cell(table, "Flow Bytes/s", "missing")).toBe("88");
    expect(table.some((row) => row[0] === "Fwd Packets/s")).toBe(false);
  });

  it("shows cleaning counts", () => {
    expect(markdown).toContain("test rows equal to a training row: 0");
    expect(markdown).toContain("skipped rows: repeated header 1, empty 2");
    expect(markdown).toContain("03-11/Portmap.csv, line 4: repeated header line skipped");
  });

  it("shows dropped feature with partner", () => {
    const table = markdownTableAfter(markdown, "### Dropped features");
    expect(cell(table, "Fwd Packet Length Mean", "partner")).toBe("Fwd Packet Length Max");
    expect(cell(table, "Fwd Packet Length Mean", "r")).toBe("0.9873");
    expect(cell(table, "Fwd Packet Length Mean", "reason")).toBe("correlated");
  });

  it("escapes pipes in cells", () => {
    const piped = { ...report, features: { ...report.features, kept: [], dropped: [{ feature: "a|b", reason: "constant" as const, value: 1 }] } };
    expect(reportMarkdown(piped)).toContain("| a\\|b | constant |");
  });

  it("example starts with title", () => {
    expect(markdown.startsWith("# flowguard experiment: ")).toBe(true);
  });
});

describe("reportJson", () => {
  it("round-trips", () => {
    expect(JSON.parse(reportJson(report))).toEqual(report);
  });

  it("indents by two spaces", () => {
    expect(reportJson(report).split("\n")[1]).toBe('  "flowguard": {');
  });

  it("orders top-level keys by schema", () => {
    const shuffled = Object.fromEntries(Object.entries(report).reverse()) as unknown as ExperimentReport;
    expect(Object.keys(JSON.parse(reportJson(shuffled)))).toEqual([
      "flowguard", "recipe", "inputs", "rows", "cleaning", "features", "models", "study", "timings", "notes",
    ]);
  });

  it("is independent of construction order", () => {
    const shuffled = Object.fromEntries(Object.entries(report).reverse()) as unknown as ExperimentReport;
    expect(reportJson(shuffled)).toBe(reportJson(report));
  });

  it("keeps record order", () => {
    const parsed = JSON.parse(reportJson(report));
    expect(Object.keys(parsed.models[0].test.perClass)).toEqual(CLASSES);
  });

  const rejected = [
    {
      name: "NaN accuracy",
      mutate: (r: ExperimentReport) => { r.models[1].test.accuracy = NaN; },
      error: RangeError,
      message: "models[1].test.accuracy is NaN",
    },
    {
      name: "Infinity in record",
      mutate: (r: ExperimentReport) => { r.models[0].test.perClass.LDAP.precision = Infinity; },
      error: RangeError,
      message: "models[0].test.perClass.LDAP.precision is Infinity",
    },
    {
      name: "NaN under spaced key",
      mutate: (r: ExperimentReport) => { r.timings["fit rf"] = NaN; },
      error: RangeError,
      message: 'timings["fit rf"] is NaN',
    },
    {
      name: "undefined array entry",
      mutate: (r: ExperimentReport) => { (r.notes as unknown[]).push(undefined); },
      error: TypeError,
      message: "notes[1] is undefined",
    },
    {
      name: "typed array",
      mutate: (r: ExperimentReport) => { (r.models[0] as unknown as Record<string, unknown>).raw = new Float64Array(2); },
      error: TypeError,
      message: "models[0].raw is a Float64Array",
    },
  ];

  it.each(rejected.map((c) => [c.name, c] as const))("rejects %s", (_name, testCase) => {
    const broken = makeReport();
    testCase.mutate(broken);
    expect(() => reportJson(broken)).toThrow(testCase.error);
    expect(() => reportJson(broken)).toThrow(testCase.message);
  });
});

describe("format helpers", () => {
  const cases = [
    { name: "fixed rounds", actual: () => formatFixed(0.99456, 4), expected: "0.9946" },
    { name: "fixed null", actual: () => formatFixed(null), expected: "n/a" },
    { name: "count groups", actual: () => formatCount(1652448), expected: "1,652,448" },
    { name: "count small", actual: () => formatCount(999), expected: "999" },
    { name: "count negative", actual: () => formatCount(-1000), expected: "-1,000" },
    { name: "seconds short", actual: () => formatSeconds(0.01234), expected: "0.012 s" },
    { name: "seconds long", actual: () => formatSeconds(75.4), expected: "75.4 s" },
    { name: "bar half", actual: () => drawBar(0.5, 4), expected: "██" },
    { name: "bar eighths", actual: () => drawBar(0.3, 4), expected: "█▎" },
    { name: "bar clamped", actual: () => drawBar(2, 3), expected: "███" },
    { name: "bar NaN", actual: () => drawBar(NaN, 3), expected: "" },
    { name: "wrap at spaces", actual: () => wrapText("precision recall F1", 10), expected: "precision\nrecall F1" },
    { name: "wrap long word", actual: () => wrapText("a Init_Win_bytes_forward b", 8), expected: "a\nInit_Win_bytes_forward\nb" },
    { name: "truncate long", actual: () => truncate("Total Length of Fwd Packets", 10), expected: "Total Len…" },
    { name: "truncate short", actual: () => truncate("Protocol", 10), expected: "Protocol" },
  ];

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, testCase) => {
    expect(testCase.actual()).toBe(testCase.expected);
  });

  it("text table widens for group", () => {
    const text = renderTextTable({
      header: ["a", "b"],
      rows: [["1", "2"]],
      align: ["right", "right"],
      groups: [{ label: "a wide group", span: 2 }],
    });
    const lines = text.split("\n");
    expect(lines[0]).toBe("a wide group");
    expect(lines[1].length).toBe("a wide group".length);
  });
});

describe("feature summary", () => {
  it("renders minima in the Markdown report", () => {
    const markdown = reportMarkdown(makeReport());
    expect(markdown).toContain("### Training rows per feature");
    expect(markdown).toMatch(/\| Flow Duration +\| +-13 \| +119999998 \|/);
  });
});

describe("rows per class", () => {
  it("lists the recipe's classes first", () => {
    // Training steps start with raw labels in file order (BENIGN, LDAP, Portmap), then class names.
    const training = markdownTableAfter(markdown, "### Training rows").slice(2).map((cells) => cells[0]);
    expect(training).toEqual(["Benign", "LDAP", "BENIGN", "Portmap", "total"]);
    const test = markdownTableAfter(markdown, "### Test rows").slice(2).map((cells) => cells[0]);
    expect(test).toEqual(["Benign", "LDAP", "total"]);
    const terminalTraining = textTableAfter(terminal, "Training rows").slice(1, 1 + training.length).map((cells) => cells[0]);
    expect(terminalTraining).toEqual(training);
  });
});
