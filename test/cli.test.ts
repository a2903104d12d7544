import { afterAll, expect, it } from "vitest";
import {
  copyFile,
  exists,
  joinPath as join,
  listDir,
  makeDir,
  makeTempDir,
  nodeExecutable,
  readText,
  removeTempDirs,
  resolvePath as resolve,
  runCommand,
  workingDir,
  writeText,
} from "./support/platform.ts";
import { describeExcept } from "./support/skip.ts";

const BIN = resolve("bin/flowguard.js");
const HEADS = resolve("test/data/heads/01-12");
const PARQUET = resolve("test/data/parquet-made-here");

const describe = describeExcept({ browser: "starts the Node CLI and writes temporary files" });

function flowguard(args: string[], cwd = workingDir()) {
  return runCommand(nodeExecutable, [BIN, ...args], cwd);
}

function tempDir(): string {
  return makeTempDir("flowguard-cli-");
}

afterAll(removeTempDirs);

describe("cli usage", () => {
  it("prints help with status 0", () => {
    const run = flowguard(["experiment", "--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Usage: flowguard experiment");
    expect(run.stdout).toContain("--recipe NAME|FILE");
  });

  it("prints the main help with status 0 for help", () => {
    const help = flowguard(["help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("flowguard experiment [options]");
  });

  it("exits 1 with the help on stderr when no command is given", () => {
    const bare = flowguard([]);
    expect(bare.status).toBe(1);
    expect(bare.stdout).toBe("");
    expect(bare.stderr).toMatch(/^flowguard: no command given\n/);
    expect(bare.stderr).toContain("flowguard experiment [options]");
  });

  const usageCases: [string, string[], RegExp][] = [
    ["unknown option", ["experiment", "--fast"], /unknown option "--fast"/],
    ["unknown model", ["experiment", "--models", "svm"], /--models must list some of gnb, dt, rf, lr, got "svm"/],
    ["bad seed", ["experiment", "--seed", "-3"], /--seed needs a value|--seed must be an integer/],
    ["study recipe without data", ["experiment", "--recipe", "study-ds1"], /pass its folder with --data DIR/],
    ["unknown recipe", ["experiment", "--recipe", "nope"], /neither a built-in recipe .* nor a readable file/],
    ["unknown command", ["train"], /unknown command "train"/],
  ];
  for (const [name, args, message] of usageCases) {
    it(`exits 1 on ${name}`, () => {
      const run = flowguard(args);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(message);
    });
  }
});

describe("cli data errors", () => {
  it("lists every missing study file", () => {
    const dir = tempDir();
    makeDir(join(dir, "03-11"));
    copyFile(join(HEADS, "Syn.head.csv"), join(dir, "03-11", "Syn.csv"));
    const run = flowguard(["experiment", "--recipe", "study-ds2", "--data", dir]);
    expect(run.status).toBe(2);
    for (const name of ["UDP", "MSSQL", "LDAP", "NetBIOS"]) {
      expect(run.stderr).toContain(`${name}.csv or ${name}.csv.gz in ${join(dir, "03-11")}`);
      expect(run.stderr).toContain(`DrDoS_${name}.csv or DrDoS_${name}.csv.gz in ${join(dir, "01-12")}`);
    }
  });

  it("names file, line and column of a bad value", async () => {
    const dir = tempDir();
    const lines = (await readText(join(HEADS, "Syn.head.csv"))).split("\n");
    const fields = lines[5].split(",");
    fields[8] = "12x";
    lines[5] = fields.join(",");
    writeText(join(dir, "bad.csv"), lines.join("\n"));
    writeText(join(dir, "recipe.json"), JSON.stringify({ train: ["bad.csv"], split: 0.2, classes: ["Benign", "Syn"] }));
    const run = flowguard(["experiment", "--recipe", join(dir, "recipe.json"), "--out", join(dir, "out")]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("bad.csv");
    expect(run.stderr).toMatch(/line 6/);
    expect(run.stderr).toContain("Flow Duration");
    expect(run.stderr).toContain("12x");
    expect(await exists(join(dir, "out", "report.json"))).toBe(false);
  });

  it("rejects an invalid recipe", () => {
    const dir = tempDir();
    writeText(join(dir, "recipe.json"), JSON.stringify({ train: ["*.csv"], classes: ["Benign", "Syn"] }));
    const run = flowguard(["experiment", "--recipe", join(dir, "recipe.json")]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/recipe: give either "test" files or a "split" fraction/);
  });
});

describe("cli runs", () => {
  it("runs a recipe file and writes both reports", async () => {
    const dir = tempDir();
    writeText(
      join(dir, "recipe.json"),
      JSON.stringify({ name: "heads", train: [`${HEADS}/*.head.csv`], split: 0.25, classes: ["Benign", "Syn", "UDP", "LDAP"], seed: 4 }),
    );
    const out = join(dir, "out");
    const run = flowguard(["experiment", "--recipe", join(dir, "recipe.json"), "--models", "gnb,dt", "--out", out, "--quiet"]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("Confusion matrices");
    const report = JSON.parse(await readText(join(out, "report.json")));
    expect(report.recipe.name).toBe("heads");
    expect(report.recipe.seed).toBe(4);
    expect(report.models.map((m: { kind: string }) => m.kind)).toEqual(["gnb", "dt"]);
    expect(await readText(join(out, "report.md"))).toContain("# flowguard");
    expect((await listDir(out)).sort()).toEqual(["report.json", "report.md"]);
  });

  it("runs study-ds1 on the CSV folder layout", async () => {
    // Layout check only: the 03-11 folder contains copies of 01-12 heads, whose
    // DrDoS_* labels the study's map turns into the same classes.
    const dir = tempDir();
    makeDir(join(dir, "03-11"));
    const heads: Record<string, string> = { Syn: "Syn", UDP: "DrDoS_UDP", MSSQL: "DrDoS_MSSQL", LDAP: "DrDoS_LDAP", NetBIOS: "DrDoS_NetBIOS" };
    for (const [name, head] of Object.entries(heads)) copyFile(join(HEADS, `${head}.head.csv`), join(dir, "03-11", `${name}.csv`));
    const run = flowguard(["experiment", "--recipe", "study-ds1", "--data", dir, "--models", "dt", "--out", join(dir, "out"), "--quiet"]);
    expect(run.status).toBe(0);
    const report = JSON.parse(await readText(join(dir, "out", "report.json")));
    expect(report.inputs.map((i: { file: string }) => i.file.split("/").pop())).toEqual(
      ["Syn.csv", "UDP.csv", "MSSQL.csv", "LDAP.csv", "NetBIOS.csv"],
    );
    expect(report.study.source).toContain("dataset 1");
  });

  it("runs study-ds3 on the parquet layout", async () => {
    // Layout check only: the real parquet files are all 01-12 rows; the
    // training names are copies of the same files.
    const dir = tempDir();
    for (const name of ["MSSQL", "LDAP", "NetBIOS"]) {
      copyFile(join(PARQUET, `${name}-testing.parquet`), join(dir, `${name}-testing.parquet`));
      copyFile(join(PARQUET, `${name}-testing.parquet`), join(dir, `${name}-training.parquet`));
    }
    const run = flowguard(["experiment", "--recipe", "study-ds3", "--data", dir, "--models", "gnb", "--out", join(dir, "out"), "--quiet"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const report = JSON.parse(await readText(join(dir, "out", "report.json")));
    expect(report.rows.train[0].total).toBe(554 + 551 + 2529);
    expect(report.recipe.classes).toEqual(["Benign", "MSSQL", "LDAP", "NetBIOS"]);
    // Identical files on both sides: every test row equals a training row.
    expect(report.cleaning.testRowsEqualToTrainRows).toBe(report.rows.test.at(-1).total);
  });
});
