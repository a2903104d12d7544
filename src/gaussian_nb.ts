/**
 * Gaussian naive Bayes with scikit-learn's semantics (GaussianNB, 1.2).
 *
 * For class c and feature j the model stores the mean theta_cj and the
 * population variance var_cj of the training rows of c, plus
 * epsilon = varSmoothing * max_j Var(x_j) over the whole training column.
 * Scores are the joint log-likelihood
 *   jll_c(x) = log prior_c - 0.5 * sum_j log(2 pi var_cj) - 0.5 * sum_j (x_j - theta_cj)^2 / var_cj
 * and probabilities are exp(jll_c - logsumexp_c jll_c).
 *
 * Notes: sums, scores and probabilities are computed in f64 in the
 * WebAssembly core from the float32 features. Priors are the class
 * frequencies. `predict` returns the class of largest jll, the lowest index
 * on ties, as numpy's argmax does. A class index with no training rows gets
 * prior 0, so its probability is always 0 (scikit-learn instead keeps only
 * the classes present in training). With varSmoothing 0, a feature that is constant
 * within a class makes the likelihood undefined, and `fit` rejects it.
 * No randomness is involved.
 */
import type { Classifier } from "./model.ts";
import type { Core, LabelVector, Matrix } from "./wasm.ts";
import { columnStats } from "./correlation.ts";
import { resolveParams, type ParamTable } from "./params.ts";

/** Rows per kernel call; several calls let the engine optimise the kernel early in a long pass. */
const CHUNK_ROWS = 65_536;

/** Options of `GaussianNB`. */
export interface GaussianNBOptions {
  /** Fraction of the largest feature variance added to every variance (default 1e-9, as in scikit-learn). */
  varSmoothing?: number;
}

/** Names used in error messages; indices are used when a name is missing. */
export interface FitNames {
  featureNames?: readonly string[];
  classNames?: readonly string[];
}

/** Accepted range of each option, from which validation messages are generated. */
const PARAMETERS: ParamTable = {
  varSmoothing: { min: 0, default: 1e-9, description: "fraction of the largest feature variance added to every variance" },
};

function label(names: readonly string[] | undefined, index: number): string {
  return names?.[index] === undefined ? `${index}` : `${index} ("${names[index]}")`;
}

/** Gaussian naive Bayes classifier; see the module notes for the exact semantics. */
export class GaussianNB implements Classifier {
  readonly kind = "gnb" as const;
  /** Options with defaults filled in. */
  readonly options: Required<GaussianNBOptions>;

  /** Number of classes (from the label vector given to `fit`). */
  classCount = 0;
  featureCount = 0;
  /** Per-class means, row-major classCount x featureCount. */
  theta = new Float64Array(0);
  /** Per-class variances including epsilon, row-major classCount x featureCount. */
  variance = new Float64Array(0);
  /** Class frequencies in the training rows. */
  classPrior = new Float64Array(0);
  /** Training rows per class. */
  classCounts = new Float64Array(0);
  /** Value added to every variance: varSmoothing times the largest training column variance. */
  epsilon = 0;

  /** Core copies of theta, variance, log priors and log normalisers; empty until fitted. */
  private parameterPtrs: number[] = [];

  /** Creates an unfitted model whose parameters will live in `core`. */
  constructor(
    readonly core: Core,
    options: GaussianNBOptions = {},
  ) {
    this.options = resolveParams<{ varSmoothing: number }>("GaussianNB", PARAMETERS, { ...options });
  }

  /**
   * Fits means, variances and priors; `names` only improve error messages.
   * Throws a RangeError for an empty matrix, mismatched lengths, non-finite
   * features, or a zero variance when varSmoothing is 0.
   */
  fit(x: Matrix, y: LabelVector, names: FitNames = {}): this {
    const core = this.checkCore(x);
    const d = x.cols;
    const k = y.classCount;
    if (x.rows < 1 || d < 1) throw new RangeError(`model: GaussianNB cannot fit an empty matrix (${x.rows} rows, ${d} features); pass at least one row and one feature`);
    if (y.length !== x.rows) throw new RangeError(`model: GaussianNB got ${y.length} labels for ${x.rows} rows; pass one class index per row`);

    const stats = columnStats(core, x);
    stats.forEach((s, j) => {
      if (!Number.isFinite(s.mean)) {
        throw new RangeError(`model: GaussianNB cannot fit feature ${label(names.featureNames, j)}: it contains non-finite values (NaN or ±Infinity); drop or replace them before training`);
      }
    });
    const epsilon = this.options.varSmoothing * Math.max(...stats.map((s) => s.variance));

    const counts = core.alloc(k * 8);
    const sums = core.alloc(k * d * 8);
    try {
      core.f64(counts, k).fill(0);
      core.f64(sums, k * d).fill(0);
      for (let start = 0; start < x.rows; start += CHUNK_ROWS) {
        core.exports.gnbClassSums(x.ptr, x.rows, d, y.ptr, k, start, Math.min(x.rows, start + CHUNK_ROWS), counts, sums);
      }
      this.classCounts = core.f64(counts, k).slice();
      const theta = core.f64(sums, k * d).slice();
      for (let c = 0; c < k; c++) {
        for (let j = 0; j < d; j++) theta[c * d + j] = this.classCounts[c] > 0 ? theta[c * d + j] / this.classCounts[c] : 0;
      }

      // The sums buffer is reused for the squared deviations.
      const thetaPtr = core.copyF64(theta);
      core.f64(sums, k * d).fill(0);
      try {
        for (let start = 0; start < x.rows; start += CHUNK_ROWS) {
          core.exports.gnbClassSquares(x.ptr, x.rows, d, y.ptr, thetaPtr, start, Math.min(x.rows, start + CHUNK_ROWS), sums);
        }
      } finally {
        core.free(thetaPtr);
      }
      const variance = core.f64(sums, k * d).slice();
      for (let c = 0; c < k; c++) {
        for (let j = 0; j < d; j++) {
          const n = this.classCounts[c];
          // A class without rows has no variance; 1 keeps its (unused) normaliser finite.
          variance[c * d + j] = n > 0 ? variance[c * d + j] / n + epsilon : 1;
          if (n > 0 && !(variance[c * d + j] > 0)) {
            throw new RangeError(
              `model: GaussianNB cannot fit feature ${label(names.featureNames, j)}: its variance in class ${label(names.classNames, c)} is 0 and varSmoothing is ${this.options.varSmoothing}, so epsilon is ${epsilon}; set varSmoothing > 0 (default 1e-9) or drop the feature`,
            );
          }
        }
      }
      this.theta = theta;
      this.variance = variance;
    } finally {
      core.free(sums);
      core.free(counts);
    }

    this.classPrior = this.classCounts.map((n) => n / x.rows);
    this.epsilon = epsilon;
    this.classCount = k;
    this.featureCount = d;
    this.upload();
    return this;
  }

  /** Copies the fitted parameters into the core once, for prediction. */
  private upload(): void {
    this.dispose();
    const core = this.core;
    const k = this.classCount;
    const d = this.featureCount;
    const logPrior = Array.from(this.classPrior, (p) => Math.log(p));
    const logNorm = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let total = 0;
      for (let j = 0; j < d; j++) total += Math.log(2 * Math.PI * this.variance[c * d + j]);
      logNorm[c] = -0.5 * total;
    }
    this.parameterPtrs = [core.copyF64(this.theta), core.copyF64(this.variance), core.copyF64(logPrior), core.copyF64(logNorm)];
  }

  private checkCore(x: Matrix): Core {
    if (x.core !== this.core) throw new Error("model: GaussianNB got a matrix from another WebAssembly core; upload it to the core the model was created with");
    return this.core;
  }

  private checkInput(x: Matrix): Core {
    if (this.parameterPtrs.length === 0) throw new Error("model: GaussianNB is not fitted; call fit before predict");
    this.checkCore(x);
    if (x.cols !== this.featureCount) throw new RangeError(`model: GaussianNB was fitted on ${this.featureCount} features, got a matrix with ${x.cols}; pass the same feature columns as in fit`);
    return this.core;
  }

  /** Returns the most probable class index for every row of `x`. */
  predict(x: Matrix): Int32Array {
    const core = this.checkInput(x);
    const out = core.alloc(x.rows * 4);
    try {
      for (let start = 0; start < x.rows; start += CHUNK_ROWS) {
        core.exports.gnbPredict(x.ptr, x.rows, x.cols, this.classCount, ...this.parameterPtrs, start, Math.min(x.rows, start + CHUNK_ROWS), out);
      }
      return core.i32(out, x.rows).slice();
    } finally {
      core.free(out);
    }
  }

  /** Returns class probabilities, row-major (`i * classCount + c`); every row sums to 1. */
  predictProba(x: Matrix): Float64Array {
    const core = this.checkInput(x);
    const k = this.classCount;
    const out = core.alloc(x.rows * k * 8);
    try {
      for (let start = 0; start < x.rows; start += CHUNK_ROWS) {
        core.exports.gnbPredictProba(x.ptr, x.rows, x.cols, k, ...this.parameterPtrs, start, Math.min(x.rows, start + CHUNK_ROWS), out);
      }
      return core.f64(out, x.rows * k).slice();
    } finally {
      core.free(out);
    }
  }

  /** Frees the parameters held in the core; the fitted arrays on the object stay readable. */
  dispose(): void {
    for (const ptr of this.parameterPtrs) this.core.free(ptr);
    this.parameterPtrs = [];
  }
}
