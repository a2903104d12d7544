/**
 * The shape of an experiment's results: the content of `report.json` and what the
 * report renderers (report.ts) turn into Markdown and terminal tables.
 */
import type { ModelKind } from "./model.ts";

/** Rows per class name. */
export type ClassCounts = Record<string, number>;

/** Row counts of one side (train or test) after one pipeline step. */
export interface RowStep {
  /** Step name, e.g. "loaded", "label map and class filter", "non-finite values", "duplicates". */
  step: string;
  /** Rows per class after the step (raw labels for "loaded", class names afterwards). */
  counts: ClassCounts;
  total: number;
  /** Rows this step removed, by reason. */
  removed?: Record<string, number>;
}

/** Per-class figures; a value that is undefined (0/0) is null, and `undefined` gives the reason. */
export interface ClassMetrics {
  precision: number | null;
  recall: number | null;
  f1: number | null;
  support: number;
  /** Present when any figure above is null, e.g. "no predicted rows". */
  undefined?: string;
}

/** Figures of one model on one side. */
export interface SideMetrics {
  accuracy: number;
  perClass: Record<string, ClassMetrics>;
  macro: { precision: number; recall: number; f1: number };
  weighted: { precision: number; recall: number; f1: number };
  confusion: { labels: string[]; matrix: number[][] };
  rows: number;
}

/** Statistics of one feature over the training rows. */
export interface FeatureSummary {
  min: number;
  max: number;
  mean: number;
  std: number;
}

/** A dropped feature and why. */
export interface DroppedFeature {
  feature: string;
  reason: "constant" | "correlated" | "identifier" | "duplicate" | "missing-in-some-files";
  /** For "correlated": the kept earlier feature and the Pearson r between them. */
  partner?: string;
  r?: number;
  /** For "constant": the single value. */
  value?: number;
}

export interface ModelResult {
  kind: ModelKind;
  name: string;
  /** Options the model ran with, defaults filled in. */
  options: Record<string, unknown>;
  fitSeconds: number;
  train: SideMetrics;
  test: SideMetrics;
  /** Feature name to importance, for models that have them, sorted by importance (highest first). */
  importances?: { feature: string; importance: number }[];
}

/**
 * Figures published by the study an experiment reproduces, printed beside
 * flowguard's own. Models are matched to `ModelResult.kind`.
 */
export interface StudyFigures {
  /** Citation and dataset, e.g. "Zinca & Dobrota 2023, dataset 1". */
  source: string;
  /** Share of rows on the confusion matrix diagonal, which some papers call "precision". */
  accuracy: { model: ModelKind; train: number; test: number }[];
  /** Per-class F1 on test rows, for the models and classes the study gives. */
  f1?: { model: ModelKind; perClass: Record<string, number> }[];
}

export interface ExperimentReport {
  /**
   * The software that ran: flowguard's version, the runtime ("node 20.20.2")
   * and how many worker threads read large CSV files and fitted the forest
   * (1: the main thread). The table and the forest are the same for any
   * worker count.
   */
  flowguard: { version: string; runtime: string; workers: number };
  recipe: {
    name: string;
    description: string;
    seed: number;
    split?: number;
    classes: string[];
    labels: string;
    trainFiles: string[];
    testFiles: string[];
    nonFinite: "drop" | "impute";
    conflicts: "keep" | "drop";
    correlationThreshold: number;
  };
  /** Files read, per side, with their raw labels and the class each went to (null when filtered out). */
  inputs: {
    side: "train" | "test";
    file: string;
    rows: number;
    rawLabels: { label: string; rows: number; class: string | null }[];
  }[];
  rows: { train: RowStep[]; test: RowStep[] };
  cleaning: {
    nonFinitePolicy: "drop" | "impute";
    /**
     * Per side and column: values that are +Infinity, -Infinity or missing
     * (NaN or empty), counted before the policy ran. A split recipe cleans
     * before splitting, so its counts are all on the training side.
     */
    nonFinite: Record<"train" | "test", Record<string, { posInf: number; negInf: number; missing: number }>>;
    /** With the "impute" policy: values replaced, and per side and column the fill values used. */
    imputed: {
      values: number;
      fills: Record<"train" | "test", Record<string, { missing: number; posInf: number; negInf: number }>>;
    };
    duplicates: { removed: { train: number; test: number }; conflicts: { train: number; test: number }; conflictPolicy: "keep" | "drop" };
    /** Test rows whose feature vector equals a training row's. */
    testRowsEqualToTrainRows: number;
    skippedRows: { repeatedHeader: number; emptyRow: number };
    warnings: { file: string; line: number; message: string }[];
  };
  features: {
    kept: string[];
    dropped: DroppedFeature[];
    threshold: number;
    /** Minimum, maximum, mean and population standard deviation of every feature over the training rows, before selection. */
    summary: Record<string, FeatureSummary>;
  };
  models: ModelResult[];
  /** The reproduced study's figures, when the recipe names one. */
  study?: StudyFigures;
  /** Seconds per pipeline step (load, clean, split, correlation, fit per model, ...). */
  timings: Record<string, number>;
  notes: string[];
}
