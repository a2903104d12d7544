/**
 * What every classifier in flowguard offers. Models train on a feature
 * matrix and class indices already in WebAssembly memory (see `Matrix` and
 * `LabelVector` in wasm.ts) and predict class indices 0..classCount-1; class
 * names live with the dataset, not the model.
 */
import type { LabelVector, Matrix } from "./wasm.ts";

/** Short names of the four estimators, as used on the command line. */
export type ModelKind = "gnb" | "dt" | "rf" | "lr";

/** A trained or trainable classifier. */
export interface Classifier {
  readonly kind: ModelKind;
  /** Trains on `x` (rows × features) and `y` (one class index per row); returns the model. */
  fit(x: Matrix, y: LabelVector): this;
  /** Returns the class index with the highest probability for every row of `x`. */
  predict(x: Matrix): Int32Array;
  /** Returns class probabilities, row-major: entry `i * classCount + c`. Every row sums to 1. */
  predictProba(x: Matrix): Float64Array;
  /** Number of classes seen in `fit`. */
  readonly classCount: number;
  /** Impurity-based importances summing to 1, for the tree models; undefined otherwise. */
  readonly featureImportances?: Float64Array;
  /** Frees the model's WebAssembly memory. */
  dispose(): void;
}
