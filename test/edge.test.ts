// Tests the single-file edge bundle dist/edge/flowguard.mjs, as built by
// build/edge.mjs, and the example handler runtimes/edge/handler.ts bundled
// the same way. Both run here in Node, on real CIC-DDoS2019 heads.
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { runExperiment } from "../src/experiment.ts";
import { resolveRecipe } from "../src/recipe.ts";
import { bytesSource } from "../src/source.ts";
import { loadCore } from "../runtimes/node/wasm.ts";
import type * as Edge from "../runtimes/edge/index.ts";

const BUNDLE = resolve("dist/edge/flowguard.mjs");
const HEADS = resolve("test/data/heads/01-12");
const SAMPLE = resolve("data/sample/01-12");

/** The heads behind the edge runs: file name given to flowguard, and the head it holds. */
const HEAD_FILES: Record<string, string> = { "Syn.csv": "Syn", "UDP.csv": "DrDoS_UDP", "LDAP.csv": "DrDoS_LDAP" };

const RECIPE: Edge.Recipe = { name: "heads", train: ["*.csv"], split: 0.25, classes: ["Benign", "Syn", "UDP", "LDAP"], seed: 4 };

let edge: typeof Edge;
let handler: { fetch(request: Request): Promise<Response> };

function headText(name: string): string {
  return readFileSync(join(HEADS, `${HEAD_FILES[name]}.head.csv`), "utf8");
}

function headFiles(): Edge.NamedFile[] {
  return Object.keys(HEAD_FILES).map((name) => ({ name, data: headText(name) }));
}

/** Drops the fields that differ from run to run: the runtime's name, timings and fit times. */
function comparable(report: Edge.ExperimentReport): Record<string, unknown> {
  const copy = structuredClone(report) as unknown as Record<string, unknown> & { flowguard: Record<string, unknown>; models: Record<string, unknown>[] };
  delete copy.flowguard.runtime;
  delete copy.timings;
  for (const model of copy.models) delete model.fitSeconds;
  return copy;
}

beforeAll(async () => {
  // Build from the current sources, so that the test never checks a stale bundle.
  const step = await import(pathToFileURL(resolve("build/edge.mjs")).href);
  await step.build({ ifStale: true });
  edge = await import(pathToFileURL(BUNDLE).href);

  const handlerFile = join(mkdtempSync(join(tmpdir(), "flowguard-edge-")), "handler.mjs");
  await step.bundleEdgeModule("runtimes/edge/handler.ts", handlerFile);
  handler = (await import(pathToFileURL(handlerFile).href)).default;
});

describe("edge bundle file", () => {
  // Each check prints only the offending text, not the whole bundle.
  const firstMatch = (pattern: RegExp): string | undefined => readFileSync(BUNDLE, "utf8").match(pattern)?.[0];

  it("imports nothing", () => {
    expect(firstMatch(/\bimport\s*\(.{0,40}/)).toBeUndefined();
    expect(firstMatch(/\bimport\s*[\w{*][^;]{0,200}?\bfrom\s*["'`].{0,40}/)).toBeUndefined();
    expect(firstMatch(/\bimport\s*["'`].{0,40}/)).toBeUndefined();
  });

  it("uses no node built-ins", () => {
    expect(firstMatch(/.{0,40}node:.{0,40}/)).toBeUndefined();
    expect(firstMatch(/\brequire\s*\(.{0,40}/)).toBeUndefined();
    expect(firstMatch(/\bprocess\.(env|argv|stdout)/)).toBeUndefined();
  });

  it("leaves parquet-wasm and apache-arrow out", () => {
    // Markers of the two packages' code: wasm-bindgen's glue and Arrow's IPC reader.
    expect(firstMatch(/__wbindgen\w*/)).toBeUndefined();
    expect(firstMatch(/RecordBatchReader/)).toBeUndefined();
    // The parquet packages alone are megabytes; the bundle with the embedded core is far below.
    expect(statSync(BUNDLE).size).toBeLessThan(1 << 20);
  });
});

describe("edge createFlowguard", () => {
  it("runs an experiment on CSV text", async () => {
    const flowguard = await edge.createFlowguard();
    const result = await flowguard.runExperiment({ recipe: RECIPE, files: headFiles(), models: ["gnb", "dt"] });
    const report = result.report;
    expect(report.flowguard.runtime).toBe("edge");
    expect(report.recipe.classes).toEqual(["Benign", "Syn", "UDP", "LDAP"]);
    expect(report.recipe.seed).toBe(4);
    expect(report.inputs.map((input) => input.file)).toEqual(["LDAP.csv", "Syn.csv", "UDP.csv"]);
    expect(report.models.map((model) => model.kind)).toEqual(["gnb", "dt"]);
    for (const model of report.models) {
      expect(model.test.accuracy).toBeGreaterThan(0.5);
      expect(model.test.accuracy).toBeLessThanOrEqual(1);
    }
    expect(JSON.parse(result.json)).toEqual(report);
    expect(result.markdown).toContain("# flowguard");
  });

  it("matches the library run in Node", async () => {
    const flowguard = await edge.createFlowguard();
    const fromEdge = await flowguard.runExperiment({ recipe: RECIPE, files: headFiles(), models: ["gnb", "dt"] });

    const bytes = new Map(Object.keys(HEAD_FILES).map((name) => [`./${name}`, new TextEncoder().encode(headText(name))]));
    const files = { list: async () => Object.keys(HEAD_FILES), join: (...parts: string[]) => parts.join("/"), dirname: () => "." };
    const recipe = await resolveRecipe(files, RECIPE, ".");
    const fromNode = await runExperiment(recipe, {
      core: await loadCore(),
      open: (path) => bytesSource(path.slice(2), bytes.get(path)!),
      models: ["gnb", "dt"],
      runtime: "node",
    });
    fromNode.dataset.free();
    expect(comparable(fromEdge.report)).toEqual(comparable(fromNode.report));
  });

  it("reads bytes, blobs, streams and gzip alike", async () => {
    const flowguard = await edge.createFlowguard({ runtime: "test" });
    const text = headText("Syn.csv");
    const encoded = new TextEncoder().encode(text);
    const gzip = readFileSync(join(SAMPLE, "Syn.csv.gz"));
    const recipe: Edge.Recipe = { train: ["flows.csv"], split: 0.25, classes: ["Benign", "Syn"] };
    const forms: [string, Edge.FileData][] = [
      ["text", text],
      ["bytes", encoded],
      ["array buffer", encoded.slice().buffer],
      ["blob", new Blob([encoded])],
      ["stream", new Blob([encoded]).stream()],
    ];
    const reports = [];
    for (const [, data] of forms) {
      reports.push(comparable((await flowguard.runExperiment({ recipe, files: { "flows.csv": data }, models: ["gnb"] })).report));
    }
    for (const [i, [form]] of forms.entries()) expect(reports[i], form).toEqual(reports[0]);

    const gzipped = await flowguard.runExperiment({ recipe, files: { "flows.csv": new Uint8Array(gzip) }, models: ["gnb"] });
    expect(gzipped.report.rows.train[0].total).toBeGreaterThan(0);
  });

  it("accepts a compiled module", async () => {
    const module = await WebAssembly.compile(readFileSync(resolve("dist/flowguard.wasm")));
    const flowguard = await edge.createFlowguard({ wasm: module });
    const result = await flowguard.runExperiment({ recipe: RECIPE, files: headFiles(), models: ["gnb"] });
    expect(result.report.models[0].kind).toBe("gnb");
  });

  const invalid: [string, () => Partial<Edge.ExperimentRequest>, RegExp, ErrorConstructor][] = [
    ["no files", () => ({ files: [] }), /edge: no files were given/, TypeError],
    ["a name given twice", () => ({ files: [...headFiles(), { name: "./Syn.csv", data: "" }] }), /"Syn.csv" is given twice/, TypeError],
    ["data of another type", () => ({ files: [{ name: "Syn.csv", data: 5 as unknown as string }] }), /data of file "Syn.csv" is a number/, TypeError],
    ["a pattern matching nothing", () => ({ recipe: { ...RECIPE, train: ["x*.csv"] } }), /no file matches "x\*\.csv"/, RangeError],
    ["an unknown model", () => ({ models: ["svm" as Edge.ModelKind] }), /request.models must list some of gnb, dt, rf, lr/, RangeError],
    ["a negative seed", () => ({ seed: -1 }), /request.seed must be an integer/, RangeError],
    ["an invalid recipe", () => ({ recipe: { train: ["*.csv"], classes: ["Benign", "Syn"] } }), /recipe: give either "test" files or a "split"/, TypeError],
    [
      "a parquet file",
      () => ({ recipe: { ...RECIPE, train: ["*.parquet"] }, files: [{ name: "Syn.parquet", data: new Uint8Array(8) }] }),
      /parquet files \("Syn.parquet"\) cannot be read here/,
      TypeError,
    ],
  ];
  for (const [name, change, message, kind] of invalid) {
    it(`rejects ${name}`, async () => {
      const flowguard = await edge.createFlowguard();
      const request = { recipe: RECIPE, files: headFiles(), models: ["gnb" as const], ...change() } as Edge.ExperimentRequest;
      const error = await flowguard.runExperiment(request).catch((e: Error) => e);
      expect(error).toBeInstanceOf(kind);
      expect((error as Error).message).toMatch(message);
    });
  }

  it("names file and line of a bad value", async () => {
    const flowguard = await edge.createFlowguard();
    const lines = headText("Syn.csv").split("\n");
    const fields = lines[5].split(",");
    fields[8] = "12x";
    lines[5] = fields.join(",");
    const files = [{ name: "Syn.csv", data: lines.join("\n") }];
    const error = await flowguard.runExperiment({ recipe: { ...RECIPE, classes: ["Benign", "Syn"] }, files }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(SyntaxError);
    expect((error as Error).message).toContain("Syn.csv");
    expect((error as Error).message).toMatch(/line 6/);
  });
});

describe("edge handler", () => {
  const url = "http://127.0.0.1/?classes=Benign,Syn&split=0.25&seed=4";

  it("returns report.json for a CSV body", async () => {
    const request = new Request(url, { method: "POST", headers: { "content-type": "text/csv" }, body: headText("Syn.csv") });
    const response = await handler.fetch(request);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const report = await response.json();
    expect(report.recipe.classes).toEqual(["Benign", "Syn"]);
    expect(report.recipe.seed).toBe(4);
    expect(report.models.map((model: { kind: string }) => model.kind)).toEqual(["gnb", "dt"]);
  });

  it("returns report.md when asked", async () => {
    const request = new Request(url, {
      method: "POST",
      headers: { "content-type": "text/csv", accept: "text/markdown" },
      body: headText("Syn.csv"),
    });
    const response = await handler.fetch(request);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/markdown");
    expect(await response.text()).toContain("# flowguard");
  });

  it("runs a multipart recipe with files", async () => {
    const form = new FormData();
    form.set("recipe", JSON.stringify(RECIPE));
    for (const name of Object.keys(HEAD_FILES)) form.append("file", new Blob([headText(name)]), name);
    form.set("models", "gnb");
    const response = await handler.fetch(new Request("http://127.0.0.1/", { method: "POST", body: form }));
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report.inputs.map((input: { file: string }) => input.file)).toEqual(["LDAP.csv", "Syn.csv", "UDP.csv"]);
    expect(report.models.map((model: { kind: string }) => model.kind)).toEqual(["gnb"]);
  });

  const rejected: [string, () => Request, number, RegExp][] = [
    ["GET", () => new Request(url), 405, /method GET is not allowed/],
    [
      "missing classes",
      () => new Request("http://127.0.0.1/", { method: "POST", headers: { "content-type": "text/csv" }, body: headText("Syn.csv") }),
      400,
      /no classes/,
    ],
    [
      "a malformed CSV",
      () => new Request(url, { method: "POST", headers: { "content-type": "text/csv" }, body: "a,b\n1" }),
      400,
      /flows.csv/,
    ],
    ["a multipart form without recipe", () => new Request(url, { method: "POST", body: new FormData() }), 400, /no "recipe" field/],
  ];
  for (const [name, request, status, message] of rejected) {
    it(`answers ${status} to ${name}`, async () => {
      const response = await handler.fetch(request());
      expect(response.status).toBe(status);
      expect((await response.json()).error).toMatch(message);
    });
  }
});
