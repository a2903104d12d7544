/**
 * Entry of the benchmark's Node bundle (bench/work/bundle/node_main.js),
 * started by bench/run.mjs once per task so each task has a fresh process:
 *
 *   node node_main.js grow    --sample DIR --work DIR --rows N --result FILE
 *   node node_main.js prepare --csv FILE --split DIR --seed S --wasm FILE --result FILE
 *   node node_main.js step NAME --split DIR --runs R --trees T --seed S --workers W
 *                              --mljs-rows M --lr-max-iter I --wasm FILE --result FILE
 *
 * Each task writes its result as JSON to the --result file.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Core } from "../src/wasm.ts";
import { growSample } from "./grow.ts";
import { prepareSplit, type PreparedMeta } from "./prepare.ts";
import { runStep } from "./steps.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    sample: { type: "string" },
    work: { type: "string" },
    rows: { type: "string" },
    csv: { type: "string" },
    split: { type: "string" },
    seed: { type: "string", default: "0" },
    runs: { type: "string", default: "1" },
    trees: { type: "string", default: "100" },
    workers: { type: "string", default: "0" },
    "mljs-rows": { type: "string", default: "20000" },
    "lr-max-iter": { type: "string", default: "100" },
    wasm: { type: "string" },
    result: { type: "string" },
  },
});

function required(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== "string") throw new TypeError(`bench: missing option --${name}`);
  return value;
}

function integer(name: keyof typeof values): number {
  const value = Number(required(name));
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`bench: invalid --${name} ${values[name]}; expected a non-negative integer`);
  return value;
}

async function loadWasm(): Promise<{ core: Core; module: WebAssembly.Module }> {
  const module = await WebAssembly.compile(readFileSync(required("wasm")));
  return { core: await Core.create(module), module };
}

async function main(): Promise<unknown> {
  const [task, stepName] = positionals;
  switch (task) {
    case "grow":
      return growSample({ sampleDir: required("sample"), workDir: required("work"), rows: integer("rows") });
    case "prepare": {
      const { core } = await loadWasm();
      return prepareSplit(core, required("csv"), required("split"), integer("seed"));
    }
    case "step": {
      const { core, module } = await loadWasm();
      const splitDir = required("split");
      const meta = JSON.parse(readFileSync(`${splitDir}/meta.json`, "utf8")) as PreparedMeta;
      return runStep(stepName, {
        core,
        module,
        splitDir,
        meta,
        runs: integer("runs"),
        trees: integer("trees"),
        seed: integer("seed"),
        workers: integer("workers"),
        forestWorker: new URL("./forest_worker.js", import.meta.url),
        mljsRows: integer("mljs-rows"),
        lrMaxIter: integer("lr-max-iter"),
      });
    }
    default:
      throw new RangeError(`bench: unknown task ${JSON.stringify(task)}; expected grow, prepare or step`);
  }
}

const result = await main();
writeFileSync(required("result"), `${JSON.stringify(result)}\n`);
