// Runs the benchmark end to end at 3,000 rows, 1 run and 3 trees, writing
// everything to a temporary folder. It checks that every step completes in
// Node, and in headless Chromium when Chromium is installed. It also checks
// that the results page is written, and that the walk probe runs on the
// prepared split. It never checks a time.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_PATH } from "./run/browser.mjs";

const ROWS = 3000;
const LABEL = "bench [timing-only grown data]";
const hasChromium = existsSync(CHROMIUM_PATH);

let work: string;
let resultsPath: string;
let run: SpawnSyncReturns<string>;
let page: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "flowguard-bench-"));
  resultsPath = join(work, "RESULTS.md");
  const args = ["bench/run.mjs", "--rows", String(ROWS), "--runs", "1", "--trees", "3", "--work", work, "--out", resultsPath];
  run = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 180_000 });
  page = existsSync(resultsPath) ? readFileSync(resultsPath, "utf8") : "";
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("benchmark smoke run", () => {
  it("exits with status 0", () => {
    expect(run.error).toBeUndefined();
    expect(run.status, run.stderr).toBe(0);
  });

  it("writes the results page to --out", () => {
    expect(existsSync(resultsPath)).toBe(true);
    expect(page).toContain("**Timing-only grown data.**");
    expect(page).toContain(`## Times at ${ROWS.toLocaleString("en-US")} rows (median of 1 run, timing-only grown data)`);
  });

  it("writes the grown file and its README", () => {
    const csv = join(work, `grown-${ROWS}-timing-only.csv`);
    expect(existsSync(csv)).toBe(true);
    expect(readFileSync(csv, "utf8").trimEnd().split("\n")).toHaveLength(ROWS + 1);
    expect(readFileSync(join(work, `grown-${ROWS}-timing-only.README.txt`), "utf8")).toContain("TIMING-ONLY GROWN DATA");
  });

  it.each([
    ["read the CSV", "flowguard readCsv (2 worker threads)"],
    ["load + clean + dedupe", "flowguard readCsv + labels + non-finite + dropDuplicates (2 worker threads)"],
    ["correlation matrix", "flowguard correlationMatrix"],
    ["Gaussian NB fit", "flowguard GaussianNB"],
    ["decision tree fit", "flowguard DecisionTreeClassifier (exact)"],
    ["decision tree fit", "flowguard DecisionTreeClassifier (histogram)"],
    ["random forest fit", "flowguard RandomForestClassifier (histogram, 2 worker threads)"],
    ["random forest predict, all rows", "flowguard RandomForestClassifier.predict (1 thread)"],
    ["logistic regression fit", "flowguard LogisticRegression"],
  ])("times %s with %s", (step, tool) => {
    expect(page).toContain(`| ${step} | ${tool} |`);
  });

  it("times scikit-learn or says why it skipped Python", () => {
    const timed = page.includes("| random forest fit | scikit-learn RandomForestClassifier (n_jobs=2) |");
    const skipped = run.stdout.includes("skipping every Python reference");
    expect(timed || skipped).toBe(true);
  });

  it.each([
    ["mljs-dt", "decision tree fit, ml.js subset"],
    ["mljs-rf", "random forest fit, ml.js subset"],
  ])("reports %s as timed or skipped", (step, title) => {
    const timed = page.includes(`| ${title} |`);
    const skipped = page.includes(`- flowguard ${step}: skipped`);
    expect(timed || skipped).toBe(true);
  });

  it.runIf(hasChromium).each([
    ["read the CSV", "flowguard in Chromium (readCsv, 2 Web Workers, picked file)"],
    ["read the CSV", "flowguard in Chromium (readCsv, 2 Web Workers, HTTP)"],
    ["load + clean + dedupe", "flowguard in Chromium (readCsv + labels + non-finite + dropDuplicates, 2 Web Workers, picked file)"],
    ["correlation matrix", "flowguard in Chromium (correlationMatrix)"],
    ["Gaussian NB fit", "flowguard in Chromium (GaussianNB)"],
    ["decision tree fit", "flowguard in Chromium (DecisionTreeClassifier, histogram)"],
    ["random forest fit", "flowguard in Chromium (RandomForestClassifier, histogram, 2 Web Workers)"],
    ["random forest predict, all rows", "flowguard in Chromium (RandomForestClassifier.predict, 1 thread)"],
    ["logistic regression fit", "flowguard in Chromium (LogisticRegression)"],
  ])("times %s with %s beside Node", (step, tool) => {
    const row = page.split("\n").find((line) => line.startsWith(`| ${step} | ${tool} |`));
    expect(row, `no row for ${tool}`).toBeDefined();
    const ratioCell = row!.split(" | ")[6];
    expect(ratioCell).toMatch(/^Chromium \/ Node \d+\.\d{2}$/);
  });

  it.runIf(hasChromium)("explains the Chromium / Node ratio", () => {
    expect(page).toContain('Their ratio column shows "Chromium / Node"');
  });

  it.skipIf(hasChromium)("says why it skipped Chromium", () => {
    expect(process.env.CI, `${CHROMIUM_PATH} is missing, but CI installs Chromium`).not.toBe("true");
    expect(page).toContain(`- Chromium: skipped, no Chromium at ${CHROMIUM_PATH}`);
    expect(page).toContain("apt-get install chromium");
  });

  it("runs the walk probe on the prepared split", () => {
    const probe = spawnSync(
      process.execPath,
      [join(work, "bundle", "walk_probe.js"), "--split", join(work, `split-${ROWS}`), "--trees", "2"],
      { encoding: "utf8", timeout: 120_000 },
    );
    expect(probe.status, probe.stderr).toBe(0);
    const lines = probe.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^fit: 2 trees on \d+ rows in one thread, \d+\.\d{3} s per tree/);
    expect(lines[1]).toBe("walk order: file order (path order from 40 trees)");
    for (const walk of ["test rows", "\\d+ distinct rows", "one row"]) {
      expect(probe.stdout).toMatch(new RegExp(`^walk, ${walk}: \\d+\\.\\d ns per row and tree, \\d+\\.\\d{2} s for the benchmark's prediction$`, "m"));
    }
  });

  it("names the prepared splits when the probe's split is missing", () => {
    const missing = join(work, "split-5");
    const probe = spawnSync(process.execPath, [join(work, "bundle", "walk_probe.js"), "--split", missing], { encoding: "utf8" });
    expect(probe.status).toBe(1);
    expect(probe.stderr).toContain(`walk_probe: ${missing} is not a prepared split (no meta.json).`);
    expect(probe.stderr).toContain(`Prepared splits in ${work}: split-${ROWS}.`);
  });

  it("prints the walk probe's usage", () => {
    const probe = spawnSync(process.execPath, [join(work, "bundle", "walk_probe.js"), "--help"], { encoding: "utf8" });
    expect(probe.status).toBe(0);
    expect(probe.stdout).toContain("usage: node bench/work/bundle/walk_probe.js --split DIR");
    expect(probe.stdout).toContain("the split of an N-row run is bench/work/split-N");
  });

  it("labels every printed line as timing-only", () => {
    const lines = `${run.stdout}${run.stderr}`.split("\n").filter((line) => line.trim() !== "");
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.startsWith(LABEL), line).toBe(true);
  });
});
