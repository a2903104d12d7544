/**
 * Shared pieces of the benchmark's Node steps: the step context and result
 * types, the timing loop, and readers of the files prepare.ts writes.
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { Core, LabelVector, Matrix } from "../src/wasm.ts";
import type { PreparedMeta } from "./prepare.ts";

/** Inputs of a step process. */
export interface StepContext {
  core: Core;
  module: WebAssembly.Module;
  /** Folder with the files prepare.ts wrote. */
  splitDir: string;
  meta: PreparedMeta;
  runs: number;
  trees: number;
  seed: number;
  /** Worker threads of the forest pool; 0 fits the forest on the calling thread. */
  workers: number;
  /** The bundled forest worker script. */
  forestWorker: URL;
  /** Training rows given to ml.js, which cannot handle the full split in time. */
  mljsRows: number;
  /** L-BFGS iteration limit of the logistic regression, the same on both sides. */
  lrMaxIter: number;
}

/** One timed line of the results: a tool doing a step, with every run's seconds. */
export interface StepEntry {
  step: string;
  tool: string;
  /** Wall-clock seconds of each run. */
  seconds: number[];
  /** Free-form facts shown beside the time: splitter, accuracy, rows, iterations. */
  details: Record<string, string | number | boolean>;
}

/** Result of a step process: its entries or the reason it skipped, and its peak memory. */
export interface StepOutput {
  entries: StepEntry[];
  skipped?: string;
  /** Peak resident set size of the process (getrusage ru_maxrss), bytes. */
  peakRssBytes: number;
  /** Size of the WebAssembly linear memory at the end; it never shrinks, so this is its peak. */
  wasmBytes: number;
}

/** A step: runs its timed work and returns the entries it measured. */
export type StepFunction = (context: StepContext) => Promise<StepEntry[]>;

/** Runs `work` once per run, with a garbage collection before each when Node runs with --expose-gc; returns seconds per run. */
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

/** Reads a column-major float32 file straight into a new matrix in linear memory. */
export function readMatrix(core: Core, path: string, rows: number, cols: number): Matrix {
  const matrix = Matrix.allocate(core, rows, cols);
  const bytes = rows * cols * 4;
  const target = new Uint8Array(core.exports.memory.buffer, matrix.ptr, bytes);
  const fd = openSync(path, "r");
  try {
    let offset = 0;
    while (offset < bytes) {
      const read = readSync(fd, target, offset, Math.min(bytes - offset, 1 << 28), offset);
      if (read === 0) throw new Error(`bench: ${path} ended after ${offset} bytes, expected ${bytes}; run the preparation again`);
      offset += read;
    }
  } finally {
    closeSync(fd);
  }
  return matrix;
}

/** Reads an int32 class-index file. */
export function readClasses(path: string): Int32Array {
  const bytes = readFileSync(path);
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4).slice();
}

/** The prepared training and test sides in linear memory. */
export interface LoadedSplit {
  xTrain: Matrix;
  yTrain: LabelVector;
  xTest: Matrix;
  yTrainIndex: Int32Array;
  yTest: Int32Array;
}

/** Reads the prepared training and test sides into linear memory. */
export function loadSplit(context: StepContext): LoadedSplit {
  const { core, splitDir, meta } = context;
  const cols = meta.featureNames.length;
  const yTrainIndex = readClasses(`${splitDir}/y_train.i32`);
  return {
    xTrain: readMatrix(core, `${splitDir}/x_train.f32`, meta.rows.train, cols),
    xTest: readMatrix(core, `${splitDir}/x_test.f32`, meta.rows.test, cols),
    yTrain: LabelVector.upload(core, yTrainIndex, meta.classNames.length),
    yTrainIndex,
    yTest: readClasses(`${splitDir}/y_test.i32`),
  };
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
