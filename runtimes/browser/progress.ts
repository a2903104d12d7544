/**
 * Turns the pipeline's progress into one fraction for the page's progress
 * bar. Loading is measured in bytes read from all input files, because the
 * loader's own fractions restart for every file. A file's count is the
 * larger of two: the bytes of the stream that the demo counts, and the
 * reader's own count, which includes the bytes that reading workers parse. The later steps advance
 * the bar to fixed points, and each model gets an equal share of the rest.
 *
 * NOTE: the shares are fixed guesses, not measured durations, so the bar
 * moves unevenly. A forest of many trees takes longer than its share.
 */
import type { ProgressEvent } from "../../src/experiment.ts";
import type { ModelKind } from "../../src/model.ts";

/** End of the loading share of the bar. */
const LOADED = 0.6;
/** Bar position when cleaning starts (label mapping, non-finite values, duplicates, split). */
const CLEANING = 0.6;
/** Bar position when feature selection starts. */
const SELECTING = 0.65;
/** Bar position when the first model starts training; the models share the rest. */
const TRAINING = 0.7;
/** Share of a model's part spent fitting; the rest is measuring it on both sides. */
const FIT_SHARE = 0.9;

/** Tracks a run's overall progress; every method returns the fraction done so far, which never decreases. */
export class RunProgress {
  private readonly models: readonly ModelKind[];
  private readonly totalBytes: number;
  private bytesRead = 0;
  /** Bytes read so far from each input file, by recipe path. */
  private readonly fileBytes = new Map<string, number>();
  private done = 0;

  /** `totalBytes` is the summed size of the input files as stored (compressed for gzip). */
  constructor(models: readonly ModelKind[], totalBytes: number) {
    this.models = models;
    this.totalBytes = totalBytes;
  }

  /** Records that `bytes` bytes of input file `file` have been read; a smaller count than an earlier one for the file changes nothing. */
  fileRead(file: string, bytes: number): number {
    const before = this.fileBytes.get(file) ?? 0;
    if (bytes > before) {
      this.fileBytes.set(file, bytes);
      this.bytesRead += bytes - before;
    }
    const share = this.totalBytes > 0 ? Math.min(1, this.bytesRead / this.totalBytes) : 0;
    return this.advance(LOADED * share);
  }

  /** Records a progress event of `runExperiment`. */
  addEvent(event: ProgressEvent): number {
    if (event.file !== undefined && event.bytes !== undefined) return this.fileRead(event.file, event.bytes);
    if (event.step === "clean") return this.advance(CLEANING);
    if (event.step === "features") return this.advance(SELECTING);

    const [phase, kind] = event.step.split(" ");
    const index = this.models.indexOf(kind as ModelKind);
    if (index < 0) return this.done;
    const modelShare = (1 - TRAINING) / this.models.length;
    const start = TRAINING + index * modelShare;
    if (phase === "fit") return this.advance(start + modelShare * FIT_SHARE * (event.fraction ?? 0));
    if (phase === "predict") return this.advance(start + modelShare * FIT_SHARE);
    return this.done;
  }

  private advance(fraction: number): number {
    this.done = Math.max(this.done, Math.min(1, fraction));
    return this.done;
  }
}
