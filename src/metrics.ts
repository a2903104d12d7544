/**
 * Classification metrics from a confusion matrix, matching scikit-learn 1.2.1's
 * `precision_recall_fscore_support`, `accuracy_score` and
 * `classification_report` with the default `zero_division="warn"`.
 */
import type { ClassMetrics, SideMetrics } from "./report_types.ts";

/** Explanation stored in `ClassMetrics.undefined` for a class that no row was predicted as. */
export const NO_PREDICTED_ROWS =
  "no predicted rows; precision counted as 0 in averages, as scikit-learn's zero_division=0";

/** Explanation stored in `ClassMetrics.undefined` for a class with no true rows. */
export const NO_TRUE_ROWS = "no true rows; recall counted as 0 in averages, as scikit-learn's zero_division=0";

/** Explanation stored in `ClassMetrics.undefined` for a class with neither true nor predicted rows. */
export const NO_ROWS =
  "no true and no predicted rows; precision, recall and F1 counted as 0 in averages, as scikit-learn's zero_division=0";

/**
 * Counts the rows of each (true class, predicted class) pair.
 *
 * Returns a `classCount × classCount` matrix whose rows are true classes and
 * whose columns are predicted classes, as scikit-learn's `confusion_matrix`.
 *
 * @example
 * confusionMatrix([0, 1, 1], [0, 0, 1], 2); // [[1, 0], [1, 1]]
 */
export function confusionMatrix(
  trueClasses: ArrayLike<number>,
  predictedClasses: ArrayLike<number>,
  classCount: number,
): number[][] {
  if (!Number.isInteger(classCount) || classCount < 1) {
    throw new RangeError(`metrics: class count ${classCount} is invalid, expected an integer of at least 1`);
  }
  if (trueClasses.length !== predictedClasses.length) {
    throw new RangeError(
      `metrics: ${trueClasses.length} true classes but ${predictedClasses.length} predicted classes, expected one of each per row`,
    );
  }
  const matrix = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (let row = 0; row < trueClasses.length; row++) {
    const actual = trueClasses[row];
    const predicted = predictedClasses[row];
    if (!isClassIndex(actual, classCount) || !isClassIndex(predicted, classCount)) {
      throw new RangeError(
        `metrics: row ${row} has true class ${actual} and predicted class ${predicted}, expected integers in 0..${classCount - 1}`,
      );
    }
    matrix[actual][predicted] += 1;
  }
  return matrix;
}

/**
 * Computes per-class precision, recall, F1 and support, accuracy, and macro and
 * weighted averages from a confusion matrix (rows true, columns predicted).
 *
 * For class c with tp = matrix[c][c], predicted = column sum and support = row sum:
 * precision = tp / predicted, recall = tp / support,
 * F1 = 2 · precision · recall / (precision + recall), and accuracy = trace / total.
 * Macro averages are plain means over all classes; weighted averages weight
 * each class by its support.
 *
 * Notes: an undefined ratio is null in `perClass`, with the reason in
 * `undefined`, and counts as 0 in the averages, as scikit-learn 1.2.1 does
 * with `zero_division="warn"` or 0. Precision is undefined when no row was
 * predicted as the class, and recall when the class has no true rows. F1 follows
 * scikit-learn 1.2.1, which computes it from the substituted zeros. So F1 is
 * null only when both precision and recall are undefined. When just one of
 * them is undefined, tp is 0 and F1 = 2tp / (2tp + fp + fn) is a defined 0.
 * Figures are float64, and no output value is NaN.
 *
 * @throws RangeError when the matrix is not square, its size differs from the
 *   number of labels, an entry is not a non-negative integer, or it counts no rows.
 *
 * @example
 * const side = sideMetrics([[5, 1], [0, 4]], ["Benign", "Syn"]);
 * side.accuracy; // 0.9
 * side.perClass.Syn.precision; // 0.8
 */
export function sideMetrics(confusion: number[][], labels: string[]): SideMetrics {
  validateConfusion(confusion, labels);
  const classCount = labels.length;

  const predictedTotals = new Array<number>(classCount).fill(0);
  const trueTotals = new Array<number>(classCount).fill(0);
  let total = 0;
  let diagonal = 0;
  for (let actual = 0; actual < classCount; actual++) {
    for (let predicted = 0; predicted < classCount; predicted++) {
      const count = confusion[actual][predicted];
      trueTotals[actual] += count;
      predictedTotals[predicted] += count;
      total += count;
    }
    diagonal += confusion[actual][actual];
  }
  if (total === 0) {
    throw new RangeError("metrics: the confusion matrix counts no rows, so accuracy is undefined. Evaluate on at least one row.");
  }

  const perClass: Record<string, ClassMetrics> = {};
  const macro = { precision: 0, recall: 0, f1: 0 };
  const weighted = { precision: 0, recall: 0, f1: 0 };
  for (let c = 0; c < classCount; c++) {
    const truePositives = confusion[c][c];
    const support = trueTotals[c];
    const precisionDefined = predictedTotals[c] > 0;
    const recallDefined = support > 0;

    // Substitute 0 for an undefined ratio first, as scikit-learn's _prf_divide does,
    // so that F1 and the averages see the same values as scikit-learn's.
    const precision = precisionDefined ? truePositives / predictedTotals[c] : 0;
    const recall = recallDefined ? truePositives / support : 0;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);

    const metrics: ClassMetrics = {
      precision: precisionDefined ? precision : null,
      recall: recallDefined ? recall : null,
      f1: precisionDefined || recallDefined ? f1 : null,
      support,
    };
    const reason = undefinedReason(precisionDefined, recallDefined);
    if (reason !== undefined) metrics.undefined = reason;
    perClass[labels[c]] = metrics;

    macro.precision += precision;
    macro.recall += recall;
    macro.f1 += f1;
    weighted.precision += precision * support;
    weighted.recall += recall * support;
    weighted.f1 += f1 * support;
  }

  return {
    accuracy: diagonal / total,
    perClass,
    macro: { precision: macro.precision / classCount, recall: macro.recall / classCount, f1: macro.f1 / classCount },
    weighted: { precision: weighted.precision / total, recall: weighted.recall / total, f1: weighted.f1 / total },
    confusion: { labels: [...labels], matrix: confusion.map((row) => [...row]) },
    rows: total,
  };
}

function undefinedReason(precisionDefined: boolean, recallDefined: boolean): string | undefined {
  if (!precisionDefined && !recallDefined) return NO_ROWS;
  if (!precisionDefined) return NO_PREDICTED_ROWS;
  if (!recallDefined) return NO_TRUE_ROWS;
  return undefined;
}

function isClassIndex(value: number, classCount: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < classCount;
}

function validateConfusion(confusion: number[][], labels: string[]): void {
  if (labels.length === 0) {
    throw new RangeError("metrics: class labels are missing, expected one label per confusion matrix row");
  }
  if (new Set(labels).size !== labels.length) {
    throw new RangeError(`metrics: class labels ${JSON.stringify(labels)} repeat a name, but every class needs its own label`);
  }
  if (confusion.length !== labels.length) {
    throw new RangeError(
      `metrics: confusion matrix has ${confusion.length} rows but ${labels.length} labels, expected one row and one column per label`,
    );
  }
  confusion.forEach((row, actual) => {
    if (row.length !== labels.length) {
      throw new RangeError(
        `metrics: confusion matrix row ${actual} (${labels[actual]}) has ${row.length} columns, expected ${labels.length}, one per label`,
      );
    }
    row.forEach((count, predicted) => {
      if (!Number.isSafeInteger(count) || count < 0) {
        throw new RangeError(
          `metrics: confusion matrix entry [${actual}][${predicted}] is ${count}, expected a non-negative integer row count`,
        );
      }
    });
  });
}
