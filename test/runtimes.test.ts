// Runs the command in Deno (runtimes/deno/cli.ts) and Bun (runtimes/bun/cli.ts)
// and compares their report.json with the Node command's. Deno and Bun are
// the devDependencies' binaries in node_modules/.bin.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { gunzipSync } from "node:zlib";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(".");
const NODE_CLI = join(ROOT, "bin/flowguard.js");
const DENO = join(ROOT, "node_modules/.bin/deno");
const BUN = join(ROOT, "node_modules/.bin/bun");
const HEADS = join(ROOT, "test/data/heads/01-12");
const PARQUET = join(ROOT, "test/data/parquet-made-here");

/** What the Deno command may read in every run: the build, parquet-wasm's binary and the shipped sample. */
const PACKAGE_READS = ["dist", "node_modules/parquet-wasm", "data"].map((path) => join(ROOT, path));

type Runtime = "node" | "deno" | "bun";

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

interface DenoPermissions {
  read: string[];
  write: string[];
}

function spawn(command: string, args: string[]): Run {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `flowguard <args>` in one runtime; Deno gets exactly the permissions given. */
function flowguard(runtime: Runtime, args: string[], permissions: DenoPermissions = { read: [], write: [] }): Run {
  switch (runtime) {
    case "node":
      return spawn(process.execPath, [NODE_CLI, ...args]);
    case "bun":
      return spawn(BUN, ["runtimes/bun/cli.ts", ...args]);
    case "deno": {
      const flags = ["--no-prompt", `--allow-read=${[...PACKAGE_READS, ...permissions.read].join(",")}`];
      if (permissions.write.length > 0) flags.push(`--allow-write=${permissions.write.join(",")}`);
      return spawn(DENO, ["run", ...flags, "runtimes/deno/cli.ts", ...args]);
    }
  }
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "flowguard-runtimes-"));
}

/** Reads report.json without the fields that differ between runtimes and runs: the runtime's name, timings and fit times. */
function comparableReport(out: string): Record<string, unknown> {
  const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
  delete report.flowguard.runtime;
  delete report.flowguard.workers;
  delete report.timings;
  for (const model of report.models) delete model.fitSeconds;
  return report;
}

function runtimeOf(out: string): string {
  return JSON.parse(readFileSync(join(out, "report.json"), "utf8")).flowguard.runtime;
}

/** The folders Deno's forest workers read (README's command allows them). */
const DENO_WORKER_READS = [join(ROOT, "src"), join(ROOT, "runtimes/deno")];

/**
 * Runs the same experiment in Node, Deno and Bun, each writing into its own
 * `--out` folder, and returns the folders. Deno may read `reads` and the
 * worker folders, and write only its own `--out` folder, which it must also
 * read to rename the finished files into place.
 */
function runEverywhere(args: string[], reads: string[] = []): Record<Runtime, string> {
  const dir = tempDir();
  const outs = { node: join(dir, "node"), deno: join(dir, "deno"), bun: join(dir, "bun") };
  for (const runtime of ["node", "deno", "bun"] as const) {
    const out = outs[runtime];
    const run = flowguard(runtime, ["experiment", ...args, "--out", out, "--quiet"], { read: [...reads, ...DENO_WORKER_READS, out], write: [out] });
    expect(run.stderr, `${runtime} stderr`).toBe("");
    expect(run.status, `${runtime} exit status`).toBe(0);
    expect(run.stdout, `${runtime} stdout`).toContain("Confusion matrices");
  }
  return outs;
}

describe("runtime binaries", () => {
  it("are installed", () => {
    expect(existsSync(DENO)).toBe(true);
    expect(existsSync(BUN)).toBe(true);
  });
});

describe("deno and bun commands", () => {
  it("match node on a recipe file", () => {
    const dir = tempDir();
    const recipe = join(dir, "recipe.json");
    writeFileSync(
      recipe,
      JSON.stringify({ name: "heads", train: [`${HEADS}/*.head.csv`], split: 0.25, classes: ["Benign", "Syn", "UDP", "LDAP"], seed: 4 }),
    );
    // Deno reads the recipe's folder, its default data folder, as well as the recipe and the heads.
    const outs = runEverywhere(["--recipe", recipe, "--models", "gnb,dt"], [dir, HEADS]);
    const node = comparableReport(outs.node);
    expect(node.recipe).toMatchObject({ name: "heads", seed: 4 });
    expect(comparableReport(outs.deno)).toEqual(node);
    expect(comparableReport(outs.bun)).toEqual(node);
  });

  it("match node on the default sample", () => {
    const outs = runEverywhere([]);
    const node = comparableReport(outs.node);
    expect(node.recipe).toMatchObject({ name: "sample" });
    expect((node.models as { kind: string }[]).map((m) => m.kind)).toEqual(["gnb", "dt", "rf", "lr"]);
    expect(comparableReport(outs.deno)).toEqual(node);
    expect(comparableReport(outs.bun)).toEqual(node);
  });

  it("match node on parquet files", () => {
    // Layout check, as in cli.test.ts: the training files are copies of the testing files.
    const dir = tempDir();
    for (const name of ["MSSQL", "LDAP", "NetBIOS"]) {
      copyFileSync(join(PARQUET, `${name}-testing.parquet`), join(dir, `${name}-testing.parquet`));
      copyFileSync(join(PARQUET, `${name}-testing.parquet`), join(dir, `${name}-training.parquet`));
    }
    const outs = runEverywhere(["--recipe", "study-ds3", "--data", dir, "--models", "gnb"], [dir]);
    const node = comparableReport(outs.node);
    expect(comparableReport(outs.deno)).toEqual(node);
    expect(comparableReport(outs.bun)).toEqual(node);
  });

  it("name their runtime in the report", () => {
    const dir = tempDir();
    const args = ["experiment", "--models", "gnb", "--quiet"];
    const deno = join(dir, "deno");
    const bun = join(dir, "bun");
    expect(flowguard("deno", [...args, "--out", deno], { read: [deno], write: [deno] }).status).toBe(0);
    expect(flowguard("bun", [...args, "--out", bun]).status).toBe(0);
    expect(runtimeOf(deno)).toMatch(/^deno \d+\.\d+\.\d+$/);
    expect(runtimeOf(bun)).toMatch(/^bun \d+\.\d+\.\d+$/);
  });
});

describe.skipIf(!existsSync("/proc/self"))("output folder under /proc", () => {
  // mkdir under /proc reports ENOENT although /proc exists; Node's recursive mkdir then never returned.
  const out = "/proc/flowguard-no-such-folder/out";
  for (const runtime of ["node", "bun"] as const) {
    it(`exits 1 in ${runtime}`, () => {
      const command = runtime === "node" ? [process.execPath, NODE_CLI] : [BUN, "runtimes/bun/cli.ts"];
      const run = spawnSync(command[0], [...command.slice(1), "experiment", "--models", "gnb", "--quiet", "--out", out], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(run.signal).toBe(null);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`--out ${out} cannot be written (ENOENT`);
      expect(run.stderr).toContain("choose a folder you can write to");
    });
  }

  it("exits 1 in deno before work", () => {
    const run = flowguard("deno", ["experiment", "--models", "gnb", "--out", out], { read: [out], write: [out] });
    expect(run.status).toBe(1);
    // Deno rejects /proc paths unless every permission is granted, so the cause in parentheses varies.
    expect(run.stderr).toContain(`--out ${out} cannot be written (`);
    expect(run.stderr).toContain("choose a folder you can write to");
    // The probe runs before the data is read, so no progress line is printed.
    expect(run.stderr).not.toContain("reading");
    expect(run.stdout).toBe("");
  });
});

describe("deno permissions", () => {
  it("rejects --out without write permission", () => {
    const out = join(tempDir(), "out");
    const run = flowguard("deno", ["experiment", "--models", "gnb", "--out", out], { read: [out], write: [] });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`could not write to --out "${out}"`);
    expect(run.stderr).toContain(`--allow-write=${out}`);
    expect(run.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
  });

  it("rejects --out without read permission", () => {
    const out = join(tempDir(), "out");
    const run = flowguard("deno", ["experiment", "--models", "gnb", "--out", out], { read: [], write: [out] });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Deno.rename");
    expect(run.stderr).toContain(`--allow-read=${out}`);
    expect(existsSync(out)).toBe(false);
  });

  it("notes one thread without worker folders", () => {
    const out = join(tempDir(), "out");
    const run = flowguard("deno", ["experiment", "--models", "gnb", "--quiet", "--out", out], { read: [out], write: [out] });
    expect(run.status).toBe(0);
    const workers = JSON.parse(readFileSync(join(out, "report.json"), "utf8")).flowguard.workers;
    expect(workers).toBe(1);
    if (availableParallelism() > 1) {
      expect(run.stderr).toContain("flowguard: using 1 thread instead of");
      expect(run.stderr).toContain(`${join(ROOT, "runtimes/deno")} and ${join(ROOT, "src")}; add them to --allow-read`);
    }
  });

  it("fits forest with README permissions", () => {
    // The workers load runtimes/deno/forest_worker.ts and its imports from that folder and src/.
    const out = join(tempDir(), "out");
    const reads = [join(ROOT, "src"), join(ROOT, "runtimes/deno"), out];
    const run = flowguard("deno", ["experiment", "--models", "rf", "--trees", "4", "--workers", "2", "--quiet", "--out", out], { read: reads, write: [out] });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "report.json"), "utf8")).flowguard.workers).toBe(2);
  });

  it("names missing worker folder permission", () => {
    const out = join(tempDir(), "out");
    const reads = [join(ROOT, "src"), join(ROOT, "runtimes/deno/forest_worker.ts"), out];
    const run = flowguard("deno", ["experiment", "--models", "rf", "--trees", "4", "--workers", "2", "--quiet", "--out", out], { read: reads, write: [out] });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`could not read the folder of the forest worker script and its imports "${join(ROOT, "runtimes/deno")}"`);
    expect(run.stderr).toContain(`--allow-read=${join(ROOT, "runtimes/deno")}`);
    // The --out probe creates the folder before the workers start, and no report is written into it.
    expect(readdirSync(out)).toEqual([]);
  });

  it("names a data file it may not read", () => {
    const dir = tempDir();
    const recipe = join(dir, "recipe.json");
    writeFileSync(recipe, JSON.stringify({ train: [`${HEADS}/Syn.head.csv`], split: 0.25, classes: ["Benign", "Syn"] }));
    const out = join(dir, "out");
    const run = flowguard("deno", ["experiment", "--recipe", recipe, "--out", out], { read: [dir], write: [out] });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`could not read the folder "${HEADS}"`);
    expect(run.stderr).toContain("--allow-read");
  });

  it("names the recipe folder in the hint", () => {
    const dir = tempDir();
    const recipe = join(dir, "recipe.json");
    writeFileSync(recipe, JSON.stringify({ train: ["Syn.csv"], split: 0.25, classes: ["Benign", "Syn"] }));
    const out = join(dir, "out");
    const run = flowguard("deno", ["experiment", "--recipe", recipe, "--out", out], { read: [out], write: [out] });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`could not read the recipe file "${recipe}"`);
    expect(run.stderr).toContain(`for example --allow-read=${dir} (the recipe's folder`);
  });
});

describe("deno and bun usage errors", () => {
  const cases: [string, string[], RegExp][] = [
    ["unknown option", ["experiment", "--fast"], /unknown option "--fast"/],
    ["unknown command", ["train"], /unknown command "train"/],
  ];
  for (const runtime of ["deno", "bun"] as const) {
    for (const [name, args, message] of cases) {
      it(`${runtime} exits 1 on ${name}`, () => {
        const run = flowguard(runtime, args);
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(message);
      });
    }

    it(`${runtime} prints help with status 0`, () => {
      const run = flowguard(runtime, ["experiment", "--help"]);
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(flowguard("node", ["experiment", "--help"]).stdout);
    });
  }
});

describe("forest pools of Deno and Bun", () => {
  for (const runtime of ["deno", "bun"] as const) {
    it.each(["exact", "histogram"])(`${runtime} pool matches one thread, %s`, (splitter) => {
      const script = "test/run/forest_pool_check.ts";
      const run =
        runtime === "bun"
          ? spawn(BUN, [script, splitter])
          : spawn(DENO, ["run", "--no-prompt", `--allow-read=${[...PACKAGE_READS, ...DENO_WORKER_READS].join(",")}`, script, splitter]);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ rows: 7488, splitter, firstDifference: -1, samePredictions: true, classes: 2 });
    });
  }
});

describe("CSV byte ranges on Deno and Bun workers", () => {
  it.each(["deno", "bun"] as const)("%s reads the Syn sample in 2 ranges", (runtime) => {
    const dir = tempDir();
    const csv = join(dir, "Syn.csv");
    writeFileSync(csv, gunzipSync(readFileSync(join(ROOT, "data/sample/01-12/Syn.csv.gz"))));
    const script = "test/run/range_read_check.ts";
    const run =
      runtime === "bun"
        ? spawn(BUN, [script, csv])
        : spawn(DENO, ["run", "--no-prompt", `--allow-read=${[...PACKAGE_READS, join(ROOT, "src"), join(ROOT, "runtimes"), dir].join(",")}`, script, csv]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ rows: [7717, 7717], fallbacks: [], firstDifference: "", sameLines: true, sameLabels: true });
  });
});

