/**
 * flowguard's side of the benchmark in Node. The steps themselves are in
 * flowguard_steps.ts, shared with the Chromium page. This file gives them
 * Node's files and worker threads and adds the ml.js steps. The driver
 * (bench/run.mjs) runs each step in a fresh Node process, so the peak
 * resident set size that the process reports at the end belongs to that
 * step alone, as on the Python side.
 */
import { fileSource } from "../runtimes/node/files.ts";
import { nodeForestPool } from "../runtimes/node/forest_pool.ts";
import { FLOWGUARD_STEPS, type FlowguardStep, type FlowguardStepContext } from "./flowguard_steps.ts";
import { mljsStep } from "./mljs_steps.ts";
import { readClasses, readMatrix, SkipStep, type StepContext, type StepEntry, type StepFunction, type StepOutput } from "./step_support.ts";

/** Returns the runtime-neutral context of a Node step process: files from the split folder, worker threads for the forest. */
function nodeStepContext(context: StepContext): FlowguardStepContext {
  const { core, module, splitDir, meta, forestWorker } = context;
  return {
    core,
    meta,
    runs: context.runs,
    trees: context.trees,
    seed: context.seed,
    workers: context.workers,
    lrMaxIter: context.lrMaxIter,
    runtime: {
      name: "Node",
      csvSource: () => fileSource(meta.csvPath),
      readMatrix: async (file, rows, cols) => readMatrix(core, `${splitDir}/${file}`, rows, cols),
      readClasses: async (file) => readClasses(`${splitDir}/${file}`),
      forestPool: (size) => nodeForestPool(module, forestWorker, size),
    },
  };
}

function inNode(step: FlowguardStep): StepFunction {
  return (context) => step(nodeStepContext(context));
}

/** The steps of a Node step process by the name the driver passes. */
export const STEPS: Record<string, StepFunction> = {
  ...Object.fromEntries(Object.entries(FLOWGUARD_STEPS).map(([name, step]) => [name, inNode(step)])),
  "mljs-dt": mljsStep("dt"),
  "mljs-rf": mljsStep("rf"),
};

/** Runs one step and returns its entries with the process's peak memory. */
export async function runStep(name: string, context: StepContext): Promise<StepOutput> {
  const step = STEPS[name];
  if (!step) throw new RangeError(`bench: unknown step "${name}"; expected one of ${Object.keys(STEPS).join(", ")}`);
  let entries: StepEntry[] = [];
  let skipped: string | undefined;
  try {
    entries = await step(context);
  } catch (error) {
    if (!(error instanceof SkipStep)) throw error;
    skipped = error.message;
  }
  return {
    entries,
    ...(skipped ? { skipped } : {}),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    wasmBytes: context.core.exports.memory.buffer.byteLength,
  };
}
