// The browser demo end to end: the built page (dist/browser/) served by the
// built demo server (dist/node/serve.js) and run in headless Chromium through
// playwright-core, compared with the same experiment run in Node.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { connect } from "node:net";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runExperiment } from "../src/experiment.ts";
import { formatCount, formatFixed } from "../src/format.ts";
import type { ModelKind } from "../src/model.ts";
import { builtInRecipe, resolveRecipe, resolveStudyRecipe } from "../src/recipe.ts";
import { reportJson } from "../src/report.ts";
import { topImportances } from "../src/report_tables.ts";
import type { ExperimentReport } from "../src/report_types.ts";
import { nodeRecipeFileSystem } from "../runtimes/node/command.ts";
import { fileSource } from "../runtimes/node/files.ts";
import { useNodeParquetWasm } from "../runtimes/node/parquet.ts";
import { loadCore } from "../runtimes/node/wasm.ts";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];
const SERVER = "dist/node/serve.js";
const PAGE_BUNDLE = "dist/browser/demo.js";
const SCREENSHOT = resolve("test/artifacts/demo.png");
const PARQUET_DIR = "test/data/parquet-made-here";

/** Models and forest size of the sample runs; 10 trees keep the forest under a second. */
const MODELS: ModelKind[] = ["gnb", "dt", "rf"];
const TREES = 10;

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  const message = `demo test: ${CHROMIUM} is missing; install it with: apt-get install chromium`;
  if (process.env.CI === "true") throw new Error(message);
  console.warn(`${message}. Skipping the browser tests.`);
}

let server: ChildProcess;
let baseUrl: string;
/** Everything the server printed, stdout and stderr. */
let serverOutput = "";
let temporary: string;

/** Starts the built demo server on a free port and returns the address it prints. */
function startServer(): Promise<{ child: ChildProcess; url: string }> {
  for (const file of [SERVER, PAGE_BUNDLE]) {
    if (!existsSync(file)) throw new Error(`${file} is missing; build it with: node build.mjs`);
  }
  const child = spawn(process.execPath, [SERVER, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout!, child.stderr!]) stream.on("data", (chunk: Buffer) => (serverOutput += chunk.toString()));
  return new Promise((resolveStart, rejectStart) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match === null) return;
      child.stdout!.off("data", onData);
      child.stderr!.off("data", onData);
      resolveStart({ child, url: match[1] });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => rejectStart(new Error(`the demo server exited with status ${code} before it printed its address:\n${output}`)));
  });
}

/**
 * Prints the body bytes the server sent per test phase and file, from its
 * request log ("GET /worker.js 200 78428 bytes"); revalidations (304) send no body.
 */
function printDownloadSizes(log: { phase: string; line: string }[]): void {
  const lines = ["demo test: bytes the server sent to the page (uncompressed; the server does not compress):"];
  const sent = log
    .map(({ phase, line }) => ({ phase, match: /^GET (\S+) 200 (\d+) bytes$/.exec(line) }))
    .filter((entry) => entry.match !== null)
    .map(({ phase, match }) => ({ phase, path: match![1], bytes: Number(match![2]) }));
  for (const phase of [...new Set(sent.map((entry) => entry.phase))]) {
    const files = sent.filter((entry) => entry.phase === phase);
    const total = files.reduce((sum, file) => sum + file.bytes, 0);
    lines.push(`  ${phase}: ${formatCount(total)} bytes`);
    for (const path of [...new Set(files.map((file) => file.path))]) {
      const copies = files.filter((file) => file.path === path);
      const times = copies.length > 1 ? ` (${copies.length} times)` : "";
      lines.push(`    ${path}: ${formatCount(copies[0].bytes)}${times}`);
    }
  }
  console.log(lines.join("\n"));
}

/** Drops the fields that differ between runs or runtimes: runtime name, timings and fit times. */
function withoutTimings(report: ExperimentReport): unknown {
  const copy = JSON.parse(reportJson(report));
  delete copy.flowguard.runtime;
  delete copy.flowguard.workers;
  delete copy.timings;
  for (const model of copy.models) delete model.fitSeconds;
  return copy;
}

beforeAll(async () => {
  const started = await startServer();
  server = started.child;
  baseUrl = started.url;
  temporary = mkdtempSync(join(tmpdir(), "flowguard-demo-"));
});

afterAll(() => {
  server?.kill();
  if (temporary) rmSync(temporary, { recursive: true, force: true });
});

describe("demo server", () => {
  const get = (path: string, method = "GET") => fetch(new URL(path, baseUrl), { method });

  it("serves the page at /", async () => {
    const response = await get("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toContain("flowguard in the browser");
  });

  it("logs a client hang-up as closed", async () => {
    const path = "/data/sample/01-12/DrDOS_NTP.csv.gz";
    const url = new URL(path, baseUrl);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise<void>((resolveConnect) => socket.once("connect", resolveConnect));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    // The first bytes of the 912 kB body, then the client goes.
    await new Promise<void>((resolveData) => socket.once("data", () => resolveData()));
    socket.destroy();
    const line = `GET ${path} 200 closed by the client before the end`;
    for (let waited = 0; waited < 5000 && !serverOutput.includes(line); waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(serverOutput).toContain(line);
    expect(serverOutput).not.toContain("failed to serve");
  });

  it("logs a body read in full as sent", async () => {
    // Like curl, each client closes as soon as it has Content-Length bytes, which can be before the server's file stream ends.
    const url = new URL("/", baseUrl);
    const sentLines = () => serverOutput.split("\n").filter((line) => /^GET \/ 200 \d+ bytes$/.test(line)).length;
    const before = sentLines();
    for (let i = 0; i < 20; i++) {
      const socket = connect(Number(url.port), url.hostname);
      await new Promise<void>((resolveConnect) => socket.once("connect", resolveConnect));
      socket.write(`GET / HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
      await new Promise<void>((resolveBody) => {
        let received = Buffer.alloc(0);
        socket.on("data", (chunk: Buffer) => {
          received = Buffer.concat([received, chunk]);
          const headerEnd = received.indexOf("\r\n\r\n");
          const length = /content-length: (\d+)/i.exec(received.subarray(0, Math.max(headerEnd, 0)).toString());
          if (headerEnd >= 0 && length && received.length - headerEnd - 4 >= Number(length[1])) resolveBody();
        });
      });
      socket.destroy();
    }
    for (let waited = 0; waited < 5000 && sentLines() < before + 20; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(sentLines() - before).toBe(20);
    expect(serverOutput).not.toContain("GET / 200 closed by the client before the end");
  });

  it("serves wasm as application/wasm", async () => {
    const response = await get("/flowguard.wasm");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/wasm");
    expect(new Uint8Array(await response.arrayBuffer()).subarray(0, 4)).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d]));
  });

  it("serves gzip files as stored bytes", async () => {
    const response = await get("/data/sample/01-12/Syn.csv.gz");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/gzip");
    expect(response.headers.get("content-encoding")).toBeNull();
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(readFileSync("data/sample/01-12/Syn.csv.gz"))).toBe(true);
  });

  it("rejects paths outside its folders", async () => {
    for (const path of [
      "/data/sample/%2e%2e/%2e%2e/package.json",
      "/data/sample/..%2f..%2fpackage.json",
      "/%2e%2e/%2e%2e/package.json",
      "/..%5c..%5cpackage.json",
      "/data/sample/01-12",
      "/chunks",
      "/data/sample/01-12/Syn.csv.gz%00",
    ]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
    }
  });

  it("answers 304 to a matching ETag", async () => {
    const first = await get("/demo.css");
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^W\/"/);
    const second = await fetch(new URL("/demo.css", baseUrl), { headers: { "If-None-Match": etag! } });
    expect(second.status).toBe(304);
  });

  it("rejects methods other than GET and HEAD", async () => {
    const response = await get("/demo.html", "POST");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    const head = await get("/demo.html", "HEAD");
    expect(head.status).toBe(200);
    expect(Number(head.headers.get("content-length"))).toBeGreaterThan(0);
  });
});

describe.skipIf(!hasChromium)("demo page in Chromium", () => {
  let context: BrowserContext;
  let page: Page;
  let nodeReport: ExperimentReport;
  const requests: string[] = [];
  const pageErrors: string[] = [];
  /** Server log lines by test phase, for the download sizes in docs/demo.md. */
  const serverLog: { phase: string; line: string }[] = [];
  let phase = "page load";

  beforeAll(async () => {
    const core = await loadCore();
    const recipe = await resolveStudyRecipe(nodeRecipeFileSystem, "sample", "data/sample");
    const result = await runExperiment(recipe, {
      core,
      open: fileSource,
      models: MODELS,
      modelOptions: { rf: { trees: TREES } },
      runtime: "node (demo test)",
    });
    result.dataset.free();
    nodeReport = result.report;

    context = await chromium.launchPersistentContext(mkdtempSync(join(temporary, "chromium-")), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
    });
    context.on("request", (request) => requests.push(new URL(request.url()).pathname));
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(`console: ${message.text()}`);
    });
    server.stdout!.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) if (line !== "") serverLog.push({ phase, line });
    });
    await page.goto(baseUrl);
  });

  afterAll(async () => {
    await context?.close();
    printDownloadSizes(serverLog);
  });

  /** Sets the model checkboxes and the forest size. */
  async function chooseModels(models: ModelKind[], trees = TREES): Promise<void> {
    for (const kind of ["gnb", "dt", "rf", "lr"]) await page.setChecked(`#model-${kind}`, models.includes(kind as ModelKind));
    if (models.includes("rf")) await page.fill("#trees", String(trees));
  }

  /** Clicks a run button and waits until results or an error appear; returns which. */
  async function run(button: "#run-sample" | "#run-files"): Promise<"results" | "error"> {
    await page.click(button);
    await page.waitForFunction(
      () => !document.querySelector<HTMLElement>("#results")!.hidden || !document.querySelector<HTMLElement>("#error")!.hidden,
      null,
      { timeout: 120_000 },
    );
    return (await page.isVisible("#error")) ? "error" : "results";
  }

  const cellText = (selector: string) => page.locator(selector).textContent();

  /** Returns the workers a run of the page starts: one per logical core, at most 4, and none (1 in the report) on one core. */
  const pageWorkers = async () => Math.max(1, Math.min(await page.evaluate(() => navigator.hardwareConcurrency), 4));

  it("sample run shows Node's figures", async () => {
    await chooseModels(MODELS);
    await page.check("#recipe-sample");
    phase = "first sample run";
    const outcome = await run("#run-sample");
    expect(outcome, (await page.textContent("#error")) ?? "").toBe("results");

    for (const model of nodeReport.models) {
      const row = `table.accuracy-table tr[data-row="${model.name}"]`;
      expect(await cellText(`${row} td[data-column="train accuracy"]`), model.kind).toBe(formatFixed(model.train.accuracy));
      expect(await cellText(`${row} td[data-column="test accuracy"]`), model.kind).toBe(formatFixed(model.test.accuracy));

      for (const name of ["Benign", "Syn", "LDAP", "NetBIOS"]) {
        const cell = `section.model[data-model="${model.kind}"] table.per-class tr[data-row="${name}"] td[data-column="F1"]`;
        expect(await cellText(cell), `${model.kind} ${name}`).toBe(formatFixed(model.test.perClass[name].f1));
      }

      const rendered = await page.$$eval(`table.confusion[data-model="${model.kind}"] tbody tr`, (rows) =>
        rows.map((row) => Array.from(row.querySelectorAll("td"), (cell) => cell.textContent)),
      );
      expect(rendered, `${model.kind} confusion matrix`).toEqual(model.test.confusion.matrix.map((row) => row.map(formatCount)));
    }

    for (const kind of ["dt", "rf"]) {
      const model = nodeReport.models.find((m) => m.kind === kind)!;
      const features = await page.$$eval(`table.importances[data-model="${kind}"] tbody tr`, (rows) =>
        rows.map((row) => row.getAttribute("data-row")),
      );
      expect(features, kind).toEqual(topImportances(model).map((entry) => entry.feature));
    }

    const droppedRows = await page.locator("table.dropped-table tbody tr").count();
    expect(droppedRows).toBe(nodeReport.features.dropped.length);

    mkdirSync("test/artifacts", { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`demo test: screenshot of the results written to ${SCREENSHOT}`);
  });

  it("sample run loads no parquet code", () => {
    expect(requests).toContain("/flowguard.wasm");
    expect(requests.filter((path) => /parquet|Arrow/i.test(path))).toEqual([]);
  });

  it("report.json download equals Node's report", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
    expect(download.suggestedFilename()).toBe("report.json");
    const downloaded = JSON.parse(readFileSync((await download.path())!, "utf8")) as ExperimentReport;
    expect(downloaded.flowguard.runtime).toMatch(/^browser \(/);
    expect(withoutTimings(downloaded)).toEqual(withoutTimings(nodeReport));
    expect(downloaded.flowguard.workers).toBe(await pageWorkers());
  });

  it("report.md download holds the tables", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-md")]);
    expect(download.suggestedFilename()).toBe("report.md");
    const markdown = readFileSync((await download.path())!, "utf8");
    for (const model of nodeReport.models) expect(markdown).toContain(model.name);
    expect(markdown).toContain(formatFixed(nodeReport.models[0].test.accuracy));
  });

  /** Returns the first `count` lines of a sample file (header, then data rows), without their CRLF line ends. */
  function sampleLines(count: number): string[] {
    return gunzipSync(readFileSync("data/sample/01-12/Syn.csv.gz")).toString("utf8").split("\r\n").slice(0, count);
  }

  it("bad number names file, line and column", async () => {
    phase = "later runs";
    const lines = sampleLines(6);
    const column = lines[0].split(",").findIndex((name) => name.trim() === "Flow Duration");
    const fields = lines[3].split(",");
    fields[column] = "12x";
    lines[3] = fields.join(",");
    const path = join(temporary, "bad-value.csv");
    writeFileSync(path, lines.join("\r\n") + "\r\n");

    await page.setInputFiles("#files", path);
    expect(await run("#run-files")).toBe("error");
    const message = (await page.textContent("#error")) ?? "";
    expect(message).toContain("bad-value.csv");
    expect(message).toContain("line 4");
    expect(message).toContain('column "Flow Duration"');
    expect(message).toContain('"12x"');
  });

  it("missing Label column names the file", async () => {
    const lines = sampleLines(4).map((line) => line.split(",").slice(0, -1).join(","));
    const path = join(temporary, "no-label.csv");
    writeFileSync(path, lines.join("\r\n") + "\r\n");

    await page.setInputFiles("#files", path);
    expect(await run("#run-files")).toBe("error");
    const message = (await page.textContent("#error")) ?? "";
    expect(message).toContain("no-label.csv");
    expect(message).toContain('no "Label" column');
  });

  it("progress advances while the page responds", async () => {
    await chooseModels(["gnb", "dt", "rf"], 100);
    await page.check("#recipe-sample");
    await page.click("#run-sample");
    const fractions = new Set<number>();
    let slowestMs = 0;
    for (;;) {
      const asked = performance.now();
      const state = await page.evaluate(() => ({
        fraction: document.querySelector<HTMLProgressElement>("#progress")!.value,
        done: !document.querySelector<HTMLElement>("#results")!.hidden || !document.querySelector<HTMLElement>("#error")!.hidden,
      }));
      slowestMs = Math.max(slowestMs, performance.now() - asked);
      fractions.add(state.fraction);
      if (state.done) break;
      await new Promise((wake) => setTimeout(wake, 20));
    }
    expect(await page.isVisible("#error")).toBe(false);
    expect(fractions.size).toBeGreaterThan(3);
    // A main thread busy with the run would respond only after the forest, about 2 s later.
    expect(slowestMs).toBeLessThan(1000);
  });

  it("cancel stops the run", async () => {
    await page.click("#run-sample");
    await page.waitForFunction(() => document.querySelector<HTMLProgressElement>("#progress")!.value > 0);
    await page.click("#cancel");
    expect(await page.textContent("#status")).toBe("Cancelled.");
    expect(await page.isEnabled("#run-sample")).toBe(true);
    await page.waitForTimeout(500);
    expect(await page.isVisible("#results")).toBe(false);
    expect(await page.isVisible("#error")).toBe(false);
  });

  it("invalid settings show a message", async () => {
    const cases = [
      { name: "no model", models: [] as ModelKind[], split: "0.2", classes: "Benign, Syn", trees: "10", expected: "Choose at least one model." },
      { name: "split above 1", models: MODELS, split: "1.5", classes: "Benign, Syn", trees: "10", expected: 'between 0 and 1, such as 0.2; got "1.5"' },
      { name: "one class", models: MODELS, split: "0.2", classes: "Benign", trees: "10", expected: 'recipe: "classes" must list at least two class names' },
      { name: "zero trees", models: MODELS, split: "0.2", classes: "Benign, Syn", trees: "0", expected: 'from 1 to 100,000; got "0"' },
    ];
    await page.check("#recipe-split");
    for (const settings of cases) {
      await chooseModels(settings.models);
      await page.fill("#split", settings.split);
      await page.fill("#classes", settings.classes);
      if (settings.models.includes("rf")) await page.fill("#trees", settings.trees);
      expect(await run("#run-sample"), settings.name).toBe("error");
      expect(await page.textContent("#error"), settings.name).toContain(settings.expected);
    }
    await page.fill("#split", "0.2");
    await page.fill("#classes", builtInRecipe("study-ds1").classes.join(", "));
  });

  it("separate test files match Node", async () => {
    const train = ["DrDOS_LDAP.csv.gz", "DrDOS_MSSQL.csv.gz"];
    const test = ["DrDOS_NetBIOS.csv.gz"];
    const { split: _split, ...sample } = builtInRecipe("sample");
    const classes = builtInRecipe("study-ds3").classes;
    const recipe = await resolveRecipe(
      nodeRecipeFileSystem,
      { ...sample, train: train.map((name) => `01-12/${name}`), test: test.map((name) => `01-12/${name}`), classes },
      "data/sample",
    );
    const models: ModelKind[] = ["gnb", "dt"];
    const result = await runExperiment(recipe, { core: await loadCore(), open: fileSource, models, runtime: "node" });
    result.dataset.free();

    phase = "separate test files run";
    await chooseModels(models);
    await page.check("#recipe-separate");
    await page.selectOption("#classes-preset", "study-ds3");
    expect(await page.inputValue("#classes")).toBe(classes.join(", "));
    await page.setInputFiles("#files", [...train, ...test].map((name) => join("data/sample/01-12", name)));
    await page.check(`#test-files input[value="${test[0]}"]`);
    const outcome = await run("#run-files");
    expect(outcome, (await page.textContent("#error")) ?? "").toBe("results");

    expect(result.report.models.length).toBe(2);
    for (const model of result.report.models) {
      const row = `table.accuracy-table tr[data-row="${model.name}"]`;
      expect(await cellText(`${row} td[data-column="train accuracy"]`), model.kind).toBe(formatFixed(model.train.accuracy));
      expect(await cellText(`${row} td[data-column="test accuracy"]`), model.kind).toBe(formatFixed(model.test.accuracy));
      const rendered = await page.$$eval(`table.confusion[data-model="${model.kind}"] tbody tr`, (rows) =>
        rows.map((row) => Array.from(row.querySelectorAll("td"), (cell) => cell.textContent)),
      );
      expect(rendered, `${model.kind} confusion matrix`).toEqual(model.test.confusion.matrix.map((row) => row.map(formatCount)));
    }
    await page.fill("#classes", builtInRecipe("study-ds1").classes.join(", "));
  });

  it("separate test files need ticks", async () => {
    await chooseModels(["gnb"]);
    await page.check("#recipe-separate");
    expect(await run("#run-sample")).toBe("error");
    expect(await page.textContent("#error")).toContain("Training and testing on separate files needs chosen files");

    await page.setInputFiles("#files", ["DrDOS_LDAP.csv.gz", "DrDOS_MSSQL.csv.gz"].map((name) => join("data/sample/01-12", name)));
    expect(await page.locator("#test-files input:checked").count()).toBe(0);
    expect(await run("#run-files")).toBe("error");
    expect(await page.textContent("#error")).toContain("Tick at least one chosen file to test on");

    await page.check('#test-files input[value="DrDOS_LDAP.csv.gz"]');
    await page.check('#test-files input[value="DrDOS_MSSQL.csv.gz"]');
    expect(await run("#run-files")).toBe("error");
    expect(await page.textContent("#error")).toContain("Leave at least one chosen file unticked");
    await page.check("#recipe-split");
  });

  it("large file reads on workers", async () => {
    // Test input made here: the sample's seven files in one CSV, their data rows twice, so
    // that it passes the 32 MiB from which files are read in parallel. The second copy of
    // each row is a duplicate, which the run drops and counts.
    const texts = readdirSync("data/sample/01-12").sort().map((name) => gunzipSync(readFileSync(join("data/sample/01-12", name))).toString("utf8"));
    const header = texts[0].slice(0, texts[0].indexOf("\r\n") + 2);
    const bodies = texts.map((text) => text.slice(text.indexOf("\r\n") + 2));
    const rows = bodies.map((body) => (body.endsWith("\r\n") ? body : `${body}\r\n`)).join("");
    const path = join(temporary, "sample-rows-twice.csv");
    writeFileSync(path, header + rows + rows);
    expect(header.length + 2 * rows.length).toBeGreaterThan(32 << 20);

    const recipe = await resolveRecipe(nodeRecipeFileSystem, { ...builtInRecipe("sample"), train: ["sample-rows-twice.csv"] }, temporary);
    const result = await runExperiment(recipe, { core: await loadCore(), open: fileSource, models: ["gnb"], runtime: "node" });
    result.dataset.free();

    phase = "large file run";
    await chooseModels(["gnb"]);
    await page.check("#recipe-sample");
    await page.setInputFiles("#files", path);
    const outcome = await run("#run-files");
    expect(outcome, (await page.textContent("#error")) ?? "").toBe("results");
    const model = result.report.models[0];
    const row = `table.accuracy-table tr[data-row="${model.name}"]`;
    expect(await cellText(`${row} td[data-column="test accuracy"]`)).toBe(formatFixed(model.test.accuracy));
    const rendered = await page.$$eval('table.confusion[data-model="gnb"] tbody tr', (rows) =>
      rows.map((row) => Array.from(row.querySelectorAll("td"), (cell) => cell.textContent)),
    );
    expect(rendered).toEqual(model.test.confusion.matrix.map((row) => row.map(formatCount)));
    // Without a forest, only the parallel read starts the forest worker script.
    const started = serverLog.filter((entry) => entry.phase === phase && /^GET \/forest_worker\.js (200|304)\b/.test(entry.line));
    expect(started.length > 0).toBe((await pageWorkers()) > 1);
  });

  it("parquet files load parquet code on demand", async () => {
    useNodeParquetWasm();
    const recipe = await resolveRecipe(nodeRecipeFileSystem, { ...builtInRecipe("sample"), train: ["*.parquet"] }, PARQUET_DIR);
    const result = await runExperiment(recipe, { core: await loadCore(), open: fileSource, models: ["gnb", "dt"], runtime: "node" });
    result.dataset.free();

    requests.length = 0;
    phase = "parquet run";
    await chooseModels(["gnb", "dt"]);
    await page.check("#recipe-split");
    const files = readdirSync(PARQUET_DIR).filter((name) => name.endsWith(".parquet"));
    await page.setInputFiles("#files", files.map((name) => join(PARQUET_DIR, name)));
    const outcome = await run("#run-files");
    expect(outcome, (await page.textContent("#error")) ?? "").toBe("results");

    expect(requests).toContain("/parquet_wasm_bg.wasm");
    expect(requests.some((path) => path.startsWith("/chunks/parquet_wasm-"))).toBe(true);
    expect(requests.some((path) => path.startsWith("/chunks/Arrow"))).toBe(true);
    for (const model of result.report.models) {
      const row = `table.accuracy-table tr[data-row="${model.name}"]`;
      expect(await cellText(`${row} td[data-column="test accuracy"]`), model.kind).toBe(formatFixed(model.test.accuracy));
    }
  });

  it("page logged no errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
