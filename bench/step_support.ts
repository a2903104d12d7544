/**
 * Shared pieces of the benchmark's Node steps: the step context and output
 * types, and readers of the files prepare.ts writes. The runtime-neutral
 * pieces live in step_common.ts and are exported here as well.
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { Core, LabelVector, Matrix } from "../src/wasm.ts";
import type { PreparedMeta } from "./prepare.ts";
import type { LoadedSplit, StepEntry } from "./step_common.ts";

export { accuracy, roundAccuracy, SkipStep, timeRuns, type LoadedSplit, type StepEntry } from "./step_common.ts";

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
