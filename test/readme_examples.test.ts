// Runs README's library examples (each ```js block that imports "flowguard")
// as Node scripts, so that the documented calls keep working. Each script
// runs from a temporary folder whose node_modules/flowguard links to this
// repository, as after `npm install /path/to/flowguard`, with the
// repository root as its working folder, where README's relative paths
// start.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(".");
const folder = mkdtempSync(join(tmpdir(), "flowguard-readme-"));
mkdirSync(join(folder, "node_modules"));
symlinkSync(ROOT, join(folder, "node_modules", "flowguard"), "dir");
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Returns the ```js blocks of README.md that import from "flowguard", in order. */
function libraryExamples(): string[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
  return blocks.filter((code) => /from "flowguard";/.test(code));
}

/** Runs `code` as an ES module in Node and returns its exit status and output. */
function runExample(code: string, index: number) {
  const script = join(folder, `example-${index}.mjs`);
  writeFileSync(script, code);
  return spawnSync(process.execPath, [script], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
}

/** Parses the last line of `stdout`, which the test appended to the example. */
function lastJsonLine(stdout: string): Record<string, number> {
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

describe("README library examples", () => {
  const examples = libraryExamples();

  it("finds three library examples", () => {
    expect(examples).toHaveLength(3);
    expect(examples[0]).toContain("readCsv(");
    expect(examples[1]).toContain("readCsv(");
    expect(examples[2]).toContain("runExperiment(recipe");
  });

  it("reads Syn with 79 features", () => {
    const printed = "console.log(JSON.stringify({ features: table.featureNames.length, rows: table.rowCount }));";
    const run = runExample(`${examples[0]}\n${printed}\n`, 0);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const counts = lastJsonLine(run.stdout);
    expect(counts.features).toBe(79);
    expect(counts.rows).toBe(7717);
  });

  it("fits models on finite NTP rows", () => {
    const printed = "console.log(JSON.stringify({ kept: keep.length, predicted: predicted.length }));";
    const run = runExample(`${examples[1]}\n${printed}\n`, 1);
    expect(run.status).toBe(0);
    const counts = lastJsonLine(run.stdout);
    expect(counts.kept).toBe(7488);
    expect(counts.predicted).toBe(7488);
  });

  it("runs the sample recipe", () => {
    const run = runExample(examples[2], 2);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^# flowguard experiment: sample\n/);
    expect(run.stdout).toContain("| train | data/sample/01-12/Syn.csv.gz | 7,717 | Syn | 7,715 | Syn |");
  });
});
