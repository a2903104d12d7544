/**
 * Runtime-neutral pieces of the benchmark's steps, used in Node and in the
 * Chromium page alike: the result entry type, the timing loop and the
 * accuracy helpers. Nothing here may import a Node module, because the
 * page bundle includes this file.
 */
import type { LabelVector, Matrix } from "../src/wasm.ts";

/** One timed line of the results: a tool doing a step, with every run's seconds. */
export interface StepEntry {
  step: string;
  tool: string;
  /** Wall-clock seconds of each run. */
  seconds: number[];
  /** Free-form facts shown beside the time: splitter, accuracy, rows, iterations. */
  details: Record<string, string | number | boolean>;
  /** Runtime of a flowguard entry measured in headless Chromium. Entries without it ran in Node or Python. */
  runtime?: "Chromium";
  /** Tool name of the Node entry that a Chromium entry is compared with. */
  nodeTool?: string;
}

/**
 * Runs `work` once per run and returns seconds per run. A garbage
 * collection runs before each run when the runtime exposes `gc()`: Node
 * started with --expose-gc, or Chromium with --js-flags=--expose-gc.
 */
export async function timeRuns(runs: number, work: (run: number) => unknown): Promise<number[]> {
  const seconds: number[] = [];
  for (let run = 0; run < runs; run++) {
    (globalThis as { gc?: () => void }).gc?.();
    const start = performance.now();
    await work(run);
    seconds.push((performance.now() - start) / 1000);
  }
  return seconds;
}

/** The prepared training and test sides in linear memory. */
export interface LoadedSplit {
  xTrain: Matrix;
  yTrain: LabelVector;
  xTest: Matrix;
  yTrainIndex: Int32Array;
  yTest: Int32Array;
}

/** Returns the share of rows whose predicted class equals the expected one. */
export function accuracy(predicted: Int32Array, expected: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < expected.length; i++) if (predicted[i] === expected[i]) correct++;
  return correct / expected.length;
}

/** Rounds an accuracy to 4 decimals for the details column. */
export function roundAccuracy(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

/** Error of a step that cannot run here, with the reason as its message. */
export class SkipStep extends Error {}
