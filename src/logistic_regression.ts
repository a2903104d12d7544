/**
 * Multinomial logistic regression, matching scikit-learn's
 * StandardScaler + LogisticRegression(multi_class="multinomial", solver="lbfgs").
 *
 * Features are standardised inside the model, z_j = (x_j - mean_j) / std_j,
 * with the training mean and population standard deviation (std 0 is taken
 * as 1, as StandardScaler does for constant columns). The model minimises
 *   sum_i [logsumexp_c(s_ic) - s_{i,y_i}] + ||W||^2 / (2C),   s_ic = b_c + sum_j W_cj z_ij,
 * with K softmax outputs (one per class) and unpenalised intercepts b.
 *
 * Notes: loss and gradient over all rows are computed in f64 in the
 * WebAssembly core. The L-BFGS optimiser below (10 correction pairs,
 * strong-Wolfe line search) runs in TypeScript on the objective divided by
 * the row count, and converges when max |gradient| <= tol. Intercepts are
 * defined only up to a common constant, so compare probabilities, not
 * intercepts, with scikit-learn. `predict` returns the class of largest
 * score, the lowest index on ties. A class index with no training rows
 * drives its intercept towards -Infinity and slows convergence. The start
 * point is zero and nothing is random.
 */
import type { Classifier } from "./model.ts";
import type { Core, LabelVector, Matrix } from "./wasm.ts";
import { columnStats } from "./correlation.ts";
import { resolveParams, type ParamTable } from "./params.ts";

/** Rows per kernel call; several calls let the engine optimise the kernel early in a long pass. */
const CHUNK_ROWS = 65_536;

/** Options of `LogisticRegression`. */
export interface LogisticRegressionOptions {
  /** Inverse L2 regularisation strength (default 1.0, as in scikit-learn). */
  C?: number;
  /** Maximum number of L-BFGS iterations (default 1000). */
  maxIter?: number;
  /** Stop when max |gradient of the objective / rows| <= tol (default 1e-8). */
  tol?: number;
}

/** Accepted range of each option, from which validation messages are generated. */
const PARAMETERS: ParamTable = {
  C: { min: 0, minExclusive: true, default: 1.0, description: "inverse L2 regularisation strength" },
  maxIter: { integer: true, min: 1, default: 1000, description: "maximum number of L-BFGS iterations" },
  tol: { min: 0, minExclusive: true, default: 1e-8, description: "stop when max |gradient of the objective / rows| <= tol" },
};

/** Reason the optimiser stopped. */
export type StopReason = "gradient" | "maxIter" | "lineSearch";

/** Outcome of a fit; `warnings` is non-empty when it did not converge. */
export interface LogisticRegressionDiagnostics {
  stopReason: StopReason;
  /** max |gradient| of the objective divided by the row count, at the returned coefficients. */
  gradientMax: number;
  /** Objective divided by the row count, at the returned coefficients. */
  objective: number;
  /** Loss and gradient evaluations over all rows. */
  evaluations: number;
  warnings: string[];
}

/** Objective value and gradient at one point. */
interface Evaluation {
  f: number;
  g: Float64Array;
}

function dot(a: Float64Array, b: Float64Array): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i] * b[i];
  return total;
}

function maxAbs(a: Float64Array): number {
  let top = 0;
  for (let i = 0; i < a.length; i++) top = Math.max(top, Math.abs(a[i]));
  return top;
}

/** Returns w + alpha * direction. */
function stepTo(w: Float64Array, direction: Float64Array, alpha: number): Float64Array {
  const out = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = w[i] + alpha * direction[i];
  return out;
}

/** Returns the minimiser of the cubic through (a, fa, da) and (b, fb, db), or NaN if there is none. */
function cubicMinimizer(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const radicand = d1 * d1 - da * db;
  if (!(radicand >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(radicand);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

interface LinePoint {
  alpha: number;
  w: Float64Array;
  f: number;
  g: Float64Array;
  slope: number;
}

/**
 * Finds a step along `direction` that satisfies the strong Wolfe conditions
 * (sufficient decrease c1 = 1e-4, curvature c2 = 0.9), bracketing and then
 * zooming with safeguarded cubic interpolation (Nocedal and Wright,
 * Numerical Optimization, algorithms 3.5 and 3.6). The decrease test allows
 * a rounding slack of 1e-14 * |f0|, so steps near the optimum, where f
 * changes by less than its rounding error, are judged by the slope.
 * Returns undefined when no such step is found in 40 evaluations.
 */
function lineSearch(evaluate: (w: Float64Array) => Evaluation, w: Float64Array, start: Evaluation, direction: Float64Array, firstAlpha: number): LinePoint | undefined {
  const c1 = 1e-4;
  const c2 = 0.9;
  const slope0 = dot(start.g, direction);
  const slack = 1e-14 * Math.abs(start.f);
  let budget = 40;
  const probe = (alpha: number): LinePoint => {
    budget--;
    const point = stepTo(w, direction, alpha);
    const { f, g } = evaluate(point);
    return { alpha, w: point, f, g, slope: dot(g, direction) };
  };
  const decreases = (p: LinePoint) => p.f <= start.f + c1 * p.alpha * slope0 + slack;
  const flatEnough = (p: LinePoint) => Math.abs(p.slope) <= -c2 * slope0;

  const zoom = (lo: LinePoint, hi: LinePoint): LinePoint | undefined => {
    while (budget > 0) {
      const low = Math.min(lo.alpha, hi.alpha);
      const width = Math.abs(hi.alpha - lo.alpha);
      if (width <= 1e-16 * Math.max(1, low)) break;
      let alpha = cubicMinimizer(lo.alpha, lo.f, lo.slope, hi.alpha, hi.f, hi.slope);
      if (!(alpha > low + 0.1 * width && alpha < low + 0.9 * width)) alpha = (lo.alpha + hi.alpha) / 2;
      const p = probe(alpha);
      if (!decreases(p) || p.f >= lo.f + slack) {
        hi = p;
      } else {
        if (flatEnough(p)) return p;
        if (p.slope * (hi.alpha - lo.alpha) >= 0) hi = lo;
        lo = p;
      }
    }
    // Out of budget: a step that decreased f still lets the optimiser go on.
    return lo.alpha > 0 && lo.f < start.f ? lo : undefined;
  };

  let previous: LinePoint = { alpha: 0, w, f: start.f, g: start.g, slope: slope0 };
  let alpha = firstAlpha;
  while (budget > 0) {
    const p = probe(alpha);
    if (!Number.isFinite(p.f)) {
      alpha = (previous.alpha + alpha) / 2;
      continue;
    }
    if (!decreases(p) || (previous.alpha > 0 && p.f >= previous.f)) return zoom(previous, p);
    if (flatEnough(p)) return p;
    if (p.slope >= 0) return zoom(p, previous);
    previous = p;
    alpha *= 2;
  }
  return undefined;
}

interface LbfgsResult {
  w: Float64Array;
  f: number;
  g: Float64Array;
  iterations: number;
  stopReason: StopReason;
}

/** Minimises a smooth function with L-BFGS (10 correction pairs) from `w0`; stops when max |g| <= tol. */
function minimizeLbfgs(evaluate: (w: Float64Array) => Evaluation, w0: Float64Array, maxIter: number, tol: number): LbfgsResult {
  const memory = 10;
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rhoList: number[] = [];
  let w = w0;
  let { f, g } = evaluate(w);
  let iterations = 0;
  let restarted = false;

  while (maxAbs(g) > tol) {
    if (iterations >= maxIter) return { w, f, g, iterations, stopReason: "maxIter" };

    // Two-loop recursion: direction = -H g, with H0 = (s'y / y'y) I.
    const q = Float64Array.from(g);
    const alphas: number[] = [];
    for (let m = sList.length - 1; m >= 0; m--) {
      const a = rhoList[m] * dot(sList[m], q);
      alphas[m] = a;
      for (let i = 0; i < q.length; i++) q[i] -= a * yList[m][i];
    }
    const last = sList.length - 1;
    const gamma = last >= 0 ? dot(sList[last], yList[last]) / dot(yList[last], yList[last]) : 1;
    for (let i = 0; i < q.length; i++) q[i] *= gamma;
    for (let m = 0; m < sList.length; m++) {
      const b = rhoList[m] * dot(yList[m], q);
      for (let i = 0; i < q.length; i++) q[i] += sList[m][i] * (alphas[m] - b);
    }
    const direction = q.map((v) => -v);
    // Without curvature pairs, the first step moves by at most 1 in every coordinate.
    const firstAlpha = sList.length === 0 ? Math.min(1, 1 / maxAbs(g)) : 1;

    const step = dot(direction, g) < 0 ? lineSearch(evaluate, w, { f, g }, direction, firstAlpha) : undefined;
    if (step === undefined) {
      // Drop the curvature pairs once and retry along -g before giving up.
      if (restarted || sList.length === 0) return { w, f, g, iterations, stopReason: "lineSearch" };
      restarted = true;
      sList.length = 0;
      yList.length = 0;
      rhoList.length = 0;
      continue;
    }
    restarted = false;

    const s = new Float64Array(w.length);
    const y = new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) {
      s[i] = step.w[i] - w[i];
      y[i] = step.g[i] - g[i];
    }
    const sy = dot(s, y);
    // Pairs without positive curvature would make H indefinite, so they are skipped.
    if (sy > 1e-300) {
      if (sList.length === memory) {
        sList.shift();
        yList.shift();
        rhoList.shift();
      }
      sList.push(s);
      yList.push(y);
      rhoList.push(1 / sy);
    }
    w = step.w;
    f = step.f;
    g = step.g;
    iterations++;
  }
  return { w, f, g, iterations, stopReason: "gradient" };
}

/** Multinomial logistic regression classifier; see the module notes for the objective and the optimiser. */
export class LogisticRegression implements Classifier {
  readonly kind = "lr" as const;
  /** Options with defaults filled in. */
  readonly options: Required<LogisticRegressionOptions>;

  classCount = 0;
  featureCount = 0;
  /** Weights on standardised features, row-major classCount x featureCount. */
  coef = new Float64Array(0);
  /** One intercept per class. */
  intercept = new Float64Array(0);
  /** Training mean of each feature. */
  mean = new Float64Array(0);
  /** Training population standard deviation of each feature, 1 where it is 0. */
  scale = new Float64Array(0);
  /** L-BFGS iterations run by `fit`. */
  nIter = 0;
  /** Whether `fit` reached max |gradient| / rows <= tol. */
  converged = false;
  diagnostics: LogisticRegressionDiagnostics | undefined;

  /** Core copies of mean, 1 / scale and the K x (d + 1) coefficients; empty until fitted. */
  private parameterPtrs: number[] = [];

  /** Creates an unfitted model whose parameters will live in `core`. */
  constructor(
    readonly core: Core,
    options: LogisticRegressionOptions = {},
  ) {
    this.options = resolveParams<{ C: number; maxIter: number; tol: number }>("LogisticRegression", PARAMETERS, { ...options });
  }

  /**
   * Fits the weights with L-BFGS. Throws a RangeError for an empty matrix,
   * mismatched lengths, fewer than 2 classes or non-finite features. Not
   * converging is no error: `converged` is false and `diagnostics.warnings`
   * gives the reason.
   */
  fit(x: Matrix, y: LabelVector, names: { featureNames?: readonly string[] } = {}): this {
    const core = this.checkCore(x);
    const d = x.cols;
    const k = y.classCount;
    const n = x.rows;
    const { C, maxIter, tol } = this.options;
    if (n < 1 || d < 1) throw new RangeError(`model: LogisticRegression cannot fit an empty matrix (${n} rows, ${d} features); pass at least one row and one feature`);
    if (y.length !== n) throw new RangeError(`model: LogisticRegression got ${y.length} labels for ${n} rows; pass one class index per row`);
    if (k < 2) throw new RangeError(`model: LogisticRegression needs at least 2 classes, got classCount ${k}; train on rows of two or more classes`);

    const stats = columnStats(core, x);
    stats.forEach((s, j) => {
      if (!Number.isFinite(s.mean)) {
        const name = names.featureNames?.[j] === undefined ? `${j}` : `${j} ("${names.featureNames[j]}")`;
        throw new RangeError(`model: LogisticRegression cannot fit feature ${name}: it contains non-finite values (NaN or ±Infinity); drop or replace them before training`);
      }
    });
    this.mean = Float64Array.from(stats, (s) => s.mean);
    this.scale = Float64Array.from(stats, (s) => (s.variance > 0 ? Math.sqrt(s.variance) : 1));

    const width = d + 1;
    const meanPtr = core.copyF64(this.mean);
    const inverseScalePtr = core.copyF64(this.scale.map((s) => 1 / s));
    const coefPtr = core.alloc(k * width * 8);
    const gradPtr = core.alloc(k * width * 8);
    let evaluations = 0;
    const evaluate = (w: Float64Array): Evaluation => {
      evaluations++;
      core.f64(coefPtr, w.length).set(w);
      core.f64(gradPtr, w.length).fill(0);
      let loss = 0;
      for (let start = 0; start < n; start += CHUNK_ROWS) {
        loss += core.exports.lrLossGradient(x.ptr, n, d, y.ptr, meanPtr, inverseScalePtr, k, coefPtr, start, Math.min(n, start + CHUNK_ROWS), gradPtr);
      }
      const g = core.f64(gradPtr, w.length).slice();
      let penalty = 0;
      for (let c = 0; c < k; c++) {
        for (let j = 0; j < d; j++) {
          const weight = w[c * width + j];
          penalty += weight * weight;
          g[c * width + j] += weight / C;
        }
      }
      for (let i = 0; i < g.length; i++) g[i] /= n;
      return { f: (loss + penalty / (2 * C)) / n, g };
    };

    let result: LbfgsResult | undefined;
    try {
      result = minimizeLbfgs(evaluate, new Float64Array(k * width), maxIter, tol);
    } finally {
      core.free(gradPtr);
      core.free(coefPtr);
      if (result === undefined) {
        core.free(inverseScalePtr);
        core.free(meanPtr);
      }
    }

    this.dispose();
    this.parameterPtrs = [meanPtr, inverseScalePtr, core.copyF64(result.w)];
    this.classCount = k;
    this.featureCount = d;
    this.coef = new Float64Array(k * d);
    this.intercept = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      this.coef.set(result.w.subarray(c * width, c * width + d), c * d);
      this.intercept[c] = result.w[c * width + d];
    }
    this.nIter = result.iterations;
    this.converged = result.stopReason === "gradient";
    const gradientMax = maxAbs(result.g);
    const warnings: string[] = [];
    if (!this.converged) {
      const reason = result.stopReason === "maxIter" ? `reached maxIter ${maxIter}` : "the line search found no further decrease";
      warnings.push(`model: LogisticRegression did not converge: ${reason} with max |gradient| ${gradientMax.toExponential(3)} > tol ${tol}; raise maxIter, loosen tol or check the features for extreme values`);
    }
    this.diagnostics = { stopReason: result.stopReason, gradientMax, objective: result.f, evaluations, warnings };
    return this;
  }

  private checkCore(x: Matrix): Core {
    if (x.core !== this.core) throw new Error("model: LogisticRegression got a matrix from another WebAssembly core; upload it to the core the model was created with");
    return this.core;
  }

  private checkInput(x: Matrix): Core {
    if (this.parameterPtrs.length === 0) throw new Error("model: LogisticRegression is not fitted; call fit before predict");
    this.checkCore(x);
    if (x.cols !== this.featureCount) throw new RangeError(`model: LogisticRegression was fitted on ${this.featureCount} features, got a matrix with ${x.cols}; pass the same feature columns as in fit`);
    return this.core;
  }

  /** Returns the class index of largest score for every row of `x`. */
  predict(x: Matrix): Int32Array {
    const core = this.checkInput(x);
    const out = core.alloc(x.rows * 4);
    try {
      for (let start = 0; start < x.rows; start += CHUNK_ROWS) {
        core.exports.lrPredict(x.ptr, x.rows, x.cols, this.parameterPtrs[0], this.parameterPtrs[1], this.classCount, this.parameterPtrs[2], start, Math.min(x.rows, start + CHUNK_ROWS), out);
      }
      return core.i32(out, x.rows).slice();
    } finally {
      core.free(out);
    }
  }

  /** Returns softmax probabilities, row-major (`i * classCount + c`); every row sums to 1. */
  predictProba(x: Matrix): Float64Array {
    const core = this.checkInput(x);
    const k = this.classCount;
    const out = core.alloc(x.rows * k * 8);
    try {
      for (let start = 0; start < x.rows; start += CHUNK_ROWS) {
        core.exports.lrPredictProba(x.ptr, x.rows, x.cols, this.parameterPtrs[0], this.parameterPtrs[1], k, this.parameterPtrs[2], start, Math.min(x.rows, start + CHUNK_ROWS), out);
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
