// Formatting of the benchmark's results: the lines printed after each step
// and the results page (bench/RESULTS.md). Medians, ratios and memory are
// computed here from the seconds and peak sizes the step processes report.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, totalmem } from "node:os";
import { basename, join } from "node:path";

/** Returns the label that every printed line and the results page carry. */
export function label() {
  return "bench [timing-only grown data]";
}

/** Titles of the entry steps, in table order. */
const STEP_TITLES = {
  read: "read the CSV",
  clean: "load + clean + dedupe",
  corr: "correlation matrix",
  gnb: "Gaussian NB fit",
  dt: "decision tree fit",
  "rf-fit": "random forest fit",
  "rf-predict": "random forest predict, all rows",
  lr: "logistic regression fit",
  "mljs-dt": "decision tree fit, ml.js subset",
  "mljs-rf": "random forest fit, ml.js subset",
};

const MIB = 1024 * 1024;

/** Returns the median of `values` (the mean of the middle two for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function isFlowguard(entry) {
  return entry.tool.startsWith("flowguard");
}

/** Returns whether an entry is flowguard measured in headless Chromium. Every other flowguard entry ran in Node. */
function isChromium(entry) {
  return entry.runtime === "Chromium";
}

/** Returns whether an entry is a reference tool's, whose ratio column divides flowguard's Node time by its time. */
function isReference(entry) {
  return !isFlowguard(entry);
}

/** Returns the flowguard variant named in brackets ("exact"), or the whole tool name when there is none. */
function variantOf(entry) {
  return /\(([^,)]+)/.exec(entry.tool)?.[1] ?? entry.tool;
}

/** Returns "flowguard / this" for a reference entry: one ratio per flowguard Node entry of the same step. */
function ratioText(reference, entries) {
  const flowguard = entries.filter((e) => e.step === reference.step && isFlowguard(e) && !isChromium(e));
  const ratios = flowguard.map((e) => median(e.seconds) / median(reference.seconds));
  if (flowguard.length === 1) return ratios[0].toFixed(2);
  return flowguard.map((e, i) => `${variantOf(e)} ${ratios[i].toFixed(2)}`).join(", ");
}

/**
 * Returns "Chromium / Node R" for a Chromium entry: its median divided by
 * the median of the Node entry it names in `nodeTool`, searched in `entries`.
 */
function chromiumRatioText(chromium, entries) {
  const node = entries.find((e) => e.step === chromium.step && e.tool === chromium.nodeTool && !isChromium(e));
  if (!node) return "Chromium / Node: no Node entry of this step in this run";
  return `Chromium / Node ${(median(chromium.seconds) / median(node.seconds)).toFixed(2)}`;
}

/** Returns the ratio cell of an entry: flowguard / this for a reference, Chromium / Node for a Chromium entry, empty for Node's flowguard. */
function ratioCell(entry, entries) {
  if (isReference(entry)) return ratioText(entry, entries);
  return isChromium(entry) ? chromiumRatioText(entry, entries) : "";
}

/** Formats seconds with about three significant digits. */
function seconds(value) {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  if (value >= 0.1) return value.toFixed(2);
  return value.toFixed(3);
}

function mebibytes(bytes) {
  return bytes === undefined ? "" : (bytes / MIB).toFixed(0);
}

function detailsText(details) {
  return Object.entries(details ?? {})
    .map(([key, value]) => `${key} ${typeof value === "number" ? value.toLocaleString("en-US") : value}`)
    .join("; ");
}

/**
 * Returns the printed lines of one plan step's processes. `earlier`
 * contains entries of steps printed before, where a Chromium entry finds the Node
 * entry it is compared with.
 */
export function formatStepLines(processes, earlier = []) {
  const lines = [];
  const entries = processes.flatMap((p) => p.entries);
  for (const entry of entries) {
    const memory = [
      ...(entry.peakRssBytes !== undefined ? [`peak RSS ${mebibytes(entry.peakRssBytes)} MiB`] : []),
      ...(entry.wasmBytes !== undefined ? [`WASM memory ${mebibytes(entry.wasmBytes)} MiB`] : []),
    ].join(", ");
    let ratio = "";
    if (isReference(entry)) ratio = `; flowguard / this: ${ratioText(entry, entries)}`;
    else if (isChromium(entry)) ratio = `; ${chromiumRatioText(entry, [...earlier, ...entries])}`;
    const details = detailsText(entry.details);
    lines.push(
      `${STEP_TITLES[entry.step] ?? entry.step}: ${entry.tool} ${seconds(median(entry.seconds))} s (median of ${entry.seconds.length}), ${memory}${ratio}${details ? `; ${details}` : ""}`,
    );
  }
  for (const p of processes) {
    if (p.skipped) lines.push(`${p.name} skipped: ${p.skipped}`);
    if (p.failed) lines.push(`${p.name} FAILED: ${p.failed}`);
  }
  return lines;
}

function firstLine(path, prefix) {
  try {
    return readFileSync(path, "utf8").split("\n").find((line) => line.startsWith(prefix))?.split(":")[1]?.trim();
  } catch {
    return undefined;
  }
}

function git(root, args) {
  try {
    return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

/** Describes the machine and flowguard's version; load averages are those at call time. */
export function collectMachine(root) {
  const commit = git(root, ["rev-parse", "--short", "HEAD"]);
  const changed = git(root, ["status", "--porcelain"]);
  return {
    cpu: firstLine("/proc/cpuinfo", "model name") ?? "unknown",
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    loadAtStart: loadavg(),
    node: process.version,
    flowguard: JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version,
    commit: commit ? `${commit}${changed ? " with uncommitted changes in the working tree" : ""}` : "unknown",
  };
}

function load(values) {
  return values.map((v) => v.toFixed(2)).join(", ");
}

function count(value) {
  return value.toLocaleString("en-US");
}

function table(header, rows) {
  const escape = (cell) => String(cell).replaceAll("|", "\\|");
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.map(escape).join(" | ")} |`),
  ].join("\n");
}

function machineSection(machine, options) {
  const python = machine.python;
  const rows = [
    ["CPU", `${machine.cpu}, ${machine.cores} cores available`],
    ["memory", `${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GiB`],
    ["load average (1, 5, 15 min)", `${load(machine.loadAtStart)} at the start; ${load(machine.loadAtEnd)} at the end`],
    ["Node", machine.node],
    ["flowguard", `${machine.flowguard}, commit ${machine.commit}`],
    ...(machine.chromium ? [["Chromium", `${machine.chromium}, headless, driven by playwright-core`]] : []),
    [
      "Python",
      python
        ? `${python.python} (${options.python}): numpy ${python.numpy}, pandas ${python.pandas}, scipy ${python.scipy}, scikit-learn ${python["scikit-learn"]}; BLAS ${python.blas}`
        : "not usable, so every reference was skipped",
    ],
  ];
  return `## Machine\n\n${table(["item", "value"], rows)}\n`;
}

function dataSection(result) {
  const { meta, grown } = result;
  const r = meta.rows;
  const rows = [
    ["rows in the grown file", count(r.file)],
    ["after the label map and class filter", count(r.afterLabels)],
    ["after dropping rows with non-finite features", count(r.afterNonFinite)],
    ["after dropping duplicates", `${count(r.afterDuplicates)} (${count(meta.duplicates)} exact duplicates removed)`],
    ["training / test rows (flowguard's stratified 80/20 split)", `${count(r.train)} / ${count(r.test)}`],
    ["features", `${meta.allFeatureNames.length} loaded, ${meta.correlationFeatureNames.length} not constant (the correlation input), ${meta.featureNames.length} kept after the 0.97 filter (the model input)`],
    ["classes", meta.classNames.join(", ")],
  ];
  return `## Data (timing-only)\n\n\`${basename(grown.csvPath)}\` was grown from ${count(grown.sampleRows)} sample rows (see \`${basename(grown.readmePath)}\` beside it).\n\n${table(["stage", "rows or count"], rows)}\n`;
}

function timesSection(result) {
  const entries = result.processes.flatMap((p) => p.entries);
  const order = Object.keys(STEP_TITLES);
  entries.sort((a, b) => order.indexOf(a.step) - order.indexOf(b.step));
  const rows = entries.map((entry) => [
    STEP_TITLES[entry.step] ?? entry.step,
    entry.tool,
    seconds(median(entry.seconds)),
    entry.seconds.map(seconds).join(", "),
    mebibytes(entry.peakRssBytes),
    mebibytes(entry.wasmBytes),
    ratioCell(entry, entries),
    detailsText(entry.details),
  ]);
  const notes = result.processes
    .filter((p) => p.skipped || p.failed)
    .map((p) => `- ${p.name}: ${p.skipped ? `skipped, ${p.skipped}` : `FAILED, ${p.failed}`}`);
  const header = ["step", "implementation", "median s", "runs s", "peak RSS MiB", "WASM MiB", "flowguard / this", "details"];
  return [
    `## Times at ${count(result.rows)} rows (median of ${result.runs} run${result.runs === 1 ? "" : "s"}, timing-only grown data)`,
    "",
    table(header, rows),
    "",
    ...(notes.length > 0 ? ["Skipped or failed:", "", ...notes, ""] : []),
  ].join("\n");
}

function growthSection(results) {
  const keys = [];
  for (const result of results) {
    for (const entry of result.processes.flatMap((p) => p.entries)) {
      const key = `${entry.step}\u0000${entry.tool}`;
      if (!keys.includes(key)) keys.push(key);
    }
  }
  const order = Object.keys(STEP_TITLES);
  keys.sort((a, b) => order.indexOf(a.split("\u0000")[0]) - order.indexOf(b.split("\u0000")[0]));
  const largest = results[results.length - 1];
  const rows = keys.map((key) => {
    const [step, tool] = key.split("\u0000");
    const cells = results.map((result) => {
      const entry = result.processes.flatMap((p) => p.entries).find((e) => e.step === step && e.tool === tool);
      return entry ? seconds(median(entry.seconds)) : "";
    });
    const atLargest = largest.processes.flatMap((p) => p.entries).find((e) => e.step === step && e.tool === tool);
    return [STEP_TITLES[step] ?? step, tool, ...cells, atLargest ? mebibytes(atLargest.peakRssBytes) : ""];
  });
  const header = ["step", "implementation", ...results.map((r) => `${count(r.rows)} rows s`), `peak RSS MiB at ${count(largest.rows)}`];
  return `## Growth (median seconds per row count, timing-only grown data)\n\n${table(header, rows)}\n`;
}

/** Returns the paragraph that explains the Chromium rows, or undefined when the browser step did not run. */
function chromiumParagraph(results) {
  const processes = results.flatMap((r) => r.processes);
  if (!processes.some((p) => p.group === "browser")) return undefined;
  return [
    'Rows named "flowguard in Chromium (…)" ran the same flowguard code in headless Chromium, each step in a fresh page that fetched the split over HTTP from a server on 127.0.0.1. Pages that read the CSV name where it came from: a file picked in the page, as in the demo, or the same server over HTTP.',
    'Their ratio column shows "Chromium / Node": the Chromium median divided by the median of the same flowguard step in Node. Above 1 means Chromium took longer.',
    "Chromium's process memory is not measured, so those rows show only the page's WebAssembly memory.",
  ].join(" ");
}

/** Writes the results page for one or more benchmarked row counts; the last (largest) gets the full table. */
export function writeResults(path, { options, started, machine, results, command }) {
  const largest = results[results.length - 1];
  const chromium = chromiumParagraph(results);
  const sections = [
    "# flowguard benchmark results",
    "",
    `**Timing-only grown data.** Every figure on this page was measured on \`${basename(largest.grown.csvPath)}\`, which bench/grow.ts made by drawing rows of the shipped CIC-DDoS2019 sample with replacement and multiplying continuous values by a random factor in [0.99, 1.01]. The accuracies below only show that both sides learned the same data; they are not detection results.`,
    "",
    `Run on ${started.toISOString().slice(0, 16).replace("T", " ")} UTC with \`npm run bench${command.length > 0 ? ` -- ${command.join(" ")}` : ""}\`: ${options.trees} trees, seed ${options.seed}, at most ${options.lrMaxIter} L-BFGS iterations for both logistic regressions, flowguard's forest on ${options.workers === 0 ? "the calling thread" : `${options.workers} worker threads`}. Each step ran in a fresh process; "peak RSS" is that process's getrusage maxrss, which includes the runtime and the loaded input, and "WASM" is flowguard's linear memory at the end of the step. "flowguard / this" is flowguard's median divided by this tool's median: below 1 means flowguard took less time. The machine is shared, so times are noisy. bench/README.md describes each step.`,
    "",
    ...(chromium ? [chromium, ""] : []),
    machineSection(machine, options),
    dataSection(largest),
    timesSection(largest),
  ];
  if (results.length > 1) sections.push(growthSection(results));
  writeFileSync(path, `${sections.join("\n")}\n`);
}
