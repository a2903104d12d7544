/**
 * Binned features for histogram split finding: every feature value becomes
 * a one-byte bin code in WebAssembly memory, computed once per matrix and
 * shared by every tree model trained on it.
 *
 * Bin edges are midpoints between neighbouring distinct values; a feature
 * with at most `maxBins` distinct values (in the rows looked at) gets every
 * gap as an edge, so its candidate thresholds are the exact splitter's.
 * Longer-tailed features get edges at quantiles of up to `sampleRows`
 * evenly spaced rows, so trees can only split on those edges.
 */
import type { Matrix } from "./wasm.ts";

/** Maximum bins per feature: codes are one byte. */
export const MAX_BINS = 256;
/**
 * Nodes with at most this many samples are split exactly on the float32
 * values instead of on bin edges (see assembly/hist_tree.ts).
 */
export const EXACT_BELOW = 256;
/** Slots of one feature's search table in assembly/binning.ts binRows: MAX_BINS - 1 edges padded to a power of two. */
const SEARCH_SLOTS = 256;
/** Rows looked at when placing the edges of one feature. */
export const BINNING_SAMPLE_ROWS = 200_000;

/**
 * Bin codes and edges of one matrix, with a row-major copy of its values
 * (the histogram splitter's small nodes split on them), in linear memory.
 */
export interface BinnedMatrix {
  /** u8 codes, row-major: `codes[row * cols + feature]`. */
  codes: number;
  /** float32 values, row-major: `rowValues[row * cols + feature]`. */
  rowValues: number;
  /** float64 edges, `(MAX_BINS - 1)` slots per feature. */
  edges: number;
  /** int32 edge count per feature. */
  edgeCounts: number;
  rows: number;
  cols: number;
  maxBins: number;
  /** Frees the codes, the row-major values and the edges. */
  free(): void;
}

const cache = new WeakMap<Matrix, BinnedMatrix>();

/** Returns the binned form of `x`, computing it on first use. */
export function binMatrix(x: Matrix): BinnedMatrix {
  const cached = cache.get(x);
  if (cached) return cached;
  const core = x.core;
  const e = core.exports;
  const slots = MAX_BINS - 1;
  const codes = core.alloc(x.rows * x.cols);
  const edges = core.alloc(x.cols * slots * 8);
  const edgeCounts = core.alloc(x.cols * 4);
  const scratch = core.alloc(Math.min(x.rows, BINNING_SAMPLE_ROWS) * 8);
  const tables = core.alloc(x.cols * SEARCH_SLOTS * 8);
  const firstSteps = core.alloc(x.cols * 4);
  const rowValues = core.alloc(x.rows * x.cols * 4);
  try {
    for (let j = 0; j < x.cols; j++) {
      const column = x.ptr + j * x.rows * 4;
      const edgesOfColumn = edges + j * slots * 8;
      const count = e.binEdges(column, x.rows, MAX_BINS, BINNING_SAMPLE_ROWS, scratch, edgesOfColumn);
      core.i32(edgeCounts, x.cols)[j] = count;
      core.i32(firstSteps, x.cols)[j] = e.binSearchTable(edgesOfColumn, count, tables + j * SEARCH_SLOTS * 8);
    }
    e.binRows(x.ptr, x.rows, x.cols, tables, firstSteps, codes, rowValues);
  } finally {
    core.free(scratch);
    core.free(tables);
    core.free(firstSteps);
  }
  const binned: BinnedMatrix = {
    codes,
    rowValues,
    edges,
    edgeCounts,
    rows: x.rows,
    cols: x.cols,
    maxBins: MAX_BINS,
    free() {
      core.free(codes);
      core.free(rowValues);
      core.free(edges);
      core.free(edgeCounts);
      cache.delete(x);
    },
  };
  cache.set(x, binned);
  return binned;
}

/** Frees the binned form of `x`, if one was made. */
export function releaseBinned(x: Matrix): void {
  cache.get(x)?.free();
}

/** Returns the splitter option's value after checking it; `estimator` names the model in the message. */
export function checkSplitter(estimator: string, value: unknown): Splitter | "auto" {
  if (value === undefined) return "auto";
  if (value === "exact" || value === "histogram" || value === "auto") return value;
  throw new RangeError(`model: ${estimator} option splitter must be "exact", "histogram" or "auto", got ${JSON.stringify(value)}`);
}

/** Split-finding algorithm of a tree: sorting every node's values, or histograms of binned values. */
export type Splitter = "exact" | "histogram";

/** Training rows above which "auto" chooses the histogram splitter. */
export const HISTOGRAM_AUTO_ROWS = 200_000;

/** Resolves "auto" to the splitter used for `rows` training rows. */
export function chooseSplitter(requested: Splitter | "auto", rows: number): Splitter {
  if (requested !== "auto") return requested;
  return rows > HISTOGRAM_AUTO_ROWS ? "histogram" : "exact";
}
