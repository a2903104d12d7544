/**
 * Fits random forest trees on several workers, and predicts with them.
 * Each worker instantiates its own copy of the WebAssembly core, receives
 * the training data once per fit and builds the trees whose seeds it is
 * given. Each tree comes back in prediction form with its importances and
 * is registered in the caller's core, in tree order. Every tree depends only on its own seed, so
 * the forest is the same for any number of workers. To predict, each
 * worker gets every tree in prediction form and one part of the rows, and
 * sums the trees' probabilities in tree order, as one thread would.
 *
 * Runtimes supply the workers: a `WorkerFactory` returns something with
 * `postMessage`, a message callback and `terminate` (a Web Worker, a Node
 * worker_threads Worker wrapped, ...); the worker script calls
 * `serveForestWorker` with its own port.
 */
import { isRangeRequest, readRangeInWorker, type ReadPool } from "./csv.ts";
import { treeImportances } from "./decision_tree.ts";
import { openWebHandle, type ByteSource, type SourceHandle } from "./source.ts";
import type { Core } from "./wasm.ts";

/** The messaging side of one worker, as the pool uses it. */
export interface WorkerPort {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onMessage(handler: (message: unknown) => void): void;
  onError(handler: (error: unknown) => void): void;
  terminate(): void;
  /** Lets the process exit while the worker waits idle (Node and Bun), and undoes it. */
  unref?(): void;
  ref?(): void;
}

/** Creates one worker running a script that calls `serveForestWorker`. */
export type WorkerFactory = () => WorkerPort;

/** Training data of one forest fit, copied to every worker. */
export interface ForestJob {
  splitter: "exact" | "histogram";
  rows: number;
  cols: number;
  classCount: number;
  /** Column-major float32 features (exact splitter). */
  x?: Float32Array;
  /** Row-major float32 features, bin codes, edges and edge counts (histogram splitter). */
  rowValues?: Float32Array;
  codes?: Uint8Array;
  edges?: Float64Array;
  edgeCounts?: Int32Array;
  maxBins?: number;
  /** Nodes with at most this many samples split exactly (histogram splitter). */
  exactBelow?: number;
  y: Int32Array;
  bootstrap: boolean;
  maxFeatures: number;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
}

/**
 * A tree fitted on a worker, as the caller keeps it: its prediction form,
 * its importances and its size. The node arrays stay behind, so a forest of
 * deep trees fitted on many rows takes a fraction of the memory.
 */
export interface TreeMessage {
  index: number;
  depth: number;
  nodeCount: number;
  importances: Float64Array;
  packed: PackedTree;
}

/** A tree's prediction form: packed split nodes, leaf class fractions and the root's reference. */
export interface PackedTree {
  /** 16 bytes per split node (see Tree.packed in assembly/cart.ts): feature × 4, threshold (float32), left, right (int32 byte offsets of split nodes; ~leaf for a leaf). */
  nodes: Uint8Array;
  /** Class fractions of each leaf, leaves × classCount. */
  leafFractions: Float64Array;
  root: number;
}

/** A forest's trees in prediction form, sent to every worker of a prediction. */
export interface PredictJob {
  classCount: number;
  featureCount: number;
  trees: PackedTree[];
}

type PoolMessage =
  | ({ type: "tree" } & TreeMessage)
  | { type: "proba"; proba: Float64Array }
  | { type: "classes"; classes: Int32Array }
  | { type: "done" }
  | { type: "error"; message: string };

/**
 * Default milliseconds that a prediction's workers wait, with the forest's
 * trees imported, for the next prediction of the same forest. A worker kept
 * does not keep a Node or Bun process from exiting.
 */
export const KEEP_PREDICTION_WORKERS_MS = 2000;

/** Options of a ForestPool. */
export interface ForestPoolOptions {
  /** Milliseconds a prediction's workers are kept for the next prediction of the same forest (default KEEP_PREDICTION_WORKERS_MS). With 0, they stop at once. */
  keepPredictionWorkersMs?: number;
}

/**
 * A fixed number of workers that fit forest trees and predict with them.
 * They also read large CSV files in parallel (`readCsv`'s `pool` option).
 *
 * Workers start per request and stop after it, except that a prediction's
 * workers stay for a while (`keepPredictionWorkersMs`) with the trees
 * imported. Predicting the same forest again (training rows, then test
 * rows) then skips starting them and importing the trees. `close` stops
 * them at once.
 */
export class ForestPool implements ReadPool {
  readonly size: number;
  private readonly factory: WorkerFactory;
  /** The core's module, sent with every request. Range reads use it for the CSV fast path. */
  readonly module: WebAssembly.Module | Uint8Array;
  /** Prediction workers waiting for their forest's next prediction. */
  private waiting: KeptWorker[] = [];
  private readonly keepMs: number;

  /**
   * Creates a pool of `size` workers, started per request as the class describes.
   * `module` is the compiled core, or its bytes for runtimes that cannot
   * post a WebAssembly.Module to a worker.
   *
   * @example
   * const pool = new ForestPool(workerFactory, 2, module);
   * await new RandomForestClassifier(core, { trees: 100 }).fitAsync(x, y, pool);
   */
  constructor(factory: WorkerFactory, size: number, module: WebAssembly.Module | Uint8Array, options: ForestPoolOptions = {}) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`model: forest pool size must be an integer of at least 1, got ${size}`);
    }
    const keepMs = options.keepPredictionWorkersMs ?? KEEP_PREDICTION_WORKERS_MS;
    if (typeof keepMs !== "number" || !(keepMs >= 0 && keepMs <= 2 ** 31 - 1)) {
      const received = typeof keepMs === "string" ? JSON.stringify(keepMs) : String(keepMs);
      throw new RangeError(`model: keepPredictionWorkersMs must be a number of milliseconds from 0 to 2147483647, got ${received}`);
    }
    this.keepMs = keepMs;
    this.factory = factory;
    this.size = size;
    this.module = module;
  }

  /**
   * Fits one tree per seed across the workers and calls `onTree` as each
   * arrives (in any order). Tree `i` gets `seeds[i]`. Seeds are dealt out
   * round-robin, so each worker fits about the same number of trees.
   */
  async fitTrees(job: ForestJob, seeds: Uint32Array, onTree: (tree: TreeMessage) => void): Promise<void> {
    this.close();
    const workerCount = Math.min(this.size, seeds.length);
    const runs: Promise<void>[] = [];
    for (let w = 0; w < workerCount; w++) {
      const indices: number[] = [];
      for (let i = w; i < seeds.length; i += workerCount) indices.push(i);
      const request: WorkerRequest = { type: "fit", module: this.module, job, indices, seeds: Array.from(indices, (i) => seeds[i]) };
      runs.push(
        this.run(request, [], (raw) => {
          const message = raw as PoolMessage;
          if (message.type === "tree") onTree(message);
        }),
      );
    }
    await Promise.all(runs);
  }

  /**
   * Sums the trees' class probabilities for each part of the rows on its own
   * worker. The result for part i has parts[i].rows × classCount values,
   * summed over the trees in order, so it equals one thread's sum.
   */
  async sumProba(job: PredictJob, parts: PredictPart[]): Promise<Float64Array[]> {
    return this.predictParts(job, parts, "proba", (message) => (message.type === "proba" ? message.proba : undefined));
  }

  /**
   * Predicts each part of the rows on its own worker, as sumProba does, but
   * returns each row's class (the first class of largest mean probability),
   * so a worker can stop walking a row once its class is settled.
   */
  async predictClasses(job: PredictJob, parts: PredictPart[]): Promise<Int32Array[]> {
    return this.predictParts(job, parts, "classes", (message) => (message.type === "classes" ? message.classes : undefined));
  }

  /**
   * Sends every worker the trees first and each part's rows after, so the
   * workers start their cores and import the trees while this thread copies
   * out the rows, and a part's worker walks while the next part is copied.
   * A worker kept from a prediction of the same trees gets only the rows.
   */
  private async predictParts<T>(job: PredictJob, parts: PredictPart[], output: PredictOutput, pick: (message: PoolMessage) => T | undefined): Promise<T[]> {
    this.dropKeptExcept(job.trees);
    const channels: Channel[] = [];
    const runs = parts.map(async (part, i) => {
      const reused = this.takeKept(job.trees);
      const channel = reused ?? new Channel(this.factory());
      channels[i] = channel;
      let result: T | undefined;
      const request: WorkerRequest = { type: "predict", module: this.module, job: reused ? { ...job, trees: [] } : job, rows: part.rows, output, reuse: reused !== undefined };
      const finished = channel.request(request, [], MODEL_FAILURE, (raw) => {
        result ??= pick(raw as PoolMessage);
      });
      try {
        await finished;
      } catch (error) {
        channel.port.terminate();
        throw error;
      }
      this.keep(channel, job.trees);
      return result!;
    });
    parts.forEach((part, i) => {
      const x = part.values();
      channels[i].port.postMessage({ type: "rows", x } satisfies WorkerRequest, [x.buffer]);
    });
    return Promise.all(runs);
  }

  /**
   * Starts a worker, sends it `request` and passes its messages to
   * `onMessage` until it reports "done" or an error; the worker stops either way.
   * `onStarted`, when given, is called at once with a function that sends
   * the worker further messages.
   */
  async run(
    request: unknown,
    transfer: Transferable[],
    onMessage: (message: unknown) => void,
    onStarted?: (send: (message: unknown, transfer: Transferable[]) => void) => void,
  ): Promise<void> {
    const channel = new Channel(this.factory());
    const failure = isRangeRequest(request) ? "csv: a reading worker failed" : MODEL_FAILURE;
    const finished = channel.request(request, transfer, failure, onMessage);
    onStarted?.((message, more) => channel.port.postMessage(message, more));
    try {
      await finished;
    } finally {
      channel.port.terminate();
    }
  }

  /** Stops the prediction workers kept for a next prediction at once. The pool stays usable. */
  close(): void {
    this.dropKeptExcept(undefined);
  }

  /** Keeps a prediction worker that has imported `trees` idle for a while, unless as many are kept as the pool has workers. */
  private keep(channel: Channel, trees: PackedTree[]): void {
    if (this.waiting.length >= this.size || this.keepMs === 0) {
      channel.port.terminate();
      return;
    }
    const entry: KeptWorker = { channel, trees, timer: undefined };
    const drop = () => {
      const at = this.waiting.indexOf(entry);
      if (at < 0) return;
      this.waiting.splice(at, 1);
      clearTimeout(entry.timer);
      channel.port.terminate();
    };
    // Nothing waits for a kept worker's messages, so one that fails is logged and stopped.
    channel.listen(
      () => {},
      (error) => {
        console.warn(`model: a kept prediction worker failed and was stopped: ${messageOf(error)}`);
        drop();
      },
    );
    entry.timer = setTimeout(drop, this.keepMs);
    (entry.timer as { unref?: () => void }).unref?.();
    channel.port.unref?.();
    this.waiting.push(entry);
  }

  /** Takes a kept worker that has imported `trees`, if there is one. */
  private takeKept(trees: PackedTree[]): Channel | undefined {
    const at = this.waiting.findIndex((entry) => entry.trees === trees);
    if (at < 0) return undefined;
    const [entry] = this.waiting.splice(at, 1);
    clearTimeout(entry.timer);
    entry.channel.port.ref?.();
    return entry.channel;
  }

  /** Stops the kept workers whose trees are not `trees`, or all of them when `trees` is undefined. */
  private dropKeptExcept(trees: PackedTree[] | undefined): void {
    const stay: KeptWorker[] = [];
    for (const entry of this.waiting) {
      if (trees !== undefined && entry.trees === trees) {
        stay.push(entry);
        continue;
      }
      clearTimeout(entry.timer);
      entry.channel.port.terminate();
    }
    this.waiting = stay;
  }
}

const MODEL_FAILURE = "model: a forest worker failed";

/** A prediction worker kept idle with the trees it imported. */
interface KeptWorker {
  channel: Channel;
  trees: PackedTree[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** A started worker whose message and error handlers are set per request, so one worker can serve several. */
class Channel {
  private onMessage: (message: unknown) => void = () => {};
  private onError: (error: unknown) => void = () => {};

  constructor(readonly port: WorkerPort) {
    port.onMessage((message) => this.onMessage(message));
    port.onError((error) => this.onError(error));
  }

  listen(onMessage: (message: unknown) => void, onError: (error: unknown) => void): void {
    this.onMessage = onMessage;
    this.onError = onError;
  }

  /**
   * Sends `request` and passes the worker's messages to `onMessage`. Resolves
   * when the worker reports "done", and rejects with `failure` as prefix
   * when it reports an error or fails.
   */
  request(request: unknown, transfer: Transferable[], failure: string, onMessage: (message: unknown) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.listen(
        (raw) => {
          const message = raw as { type: string; message?: string };
          if (message.type === "done") resolve();
          else if (message.type === "error") reject(new Error(`${failure}: ${message.message}`));
          else onMessage(message);
        },
        (error) => reject(new Error(`${failure}: ${messageOf(error)}`)),
      );
      this.port.postMessage(request, transfer);
    });
  }
}

/** Returns the module as sent: compiled already (Node), or as bytes to compile (Web Workers). */
function compiled(module: WebAssembly.Module | Uint8Array): Promise<WebAssembly.Module> {
  return module instanceof WebAssembly.Module ? Promise.resolve(module) : WebAssembly.compile(module as Uint8Array<ArrayBuffer>);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type CopiedArray = Float32Array | Uint8Array | Float64Array | Int32Array;

/**
 * Returns a copy of `view` (typically a view of linear memory) to post to
 * the workers. Where the runtime offers a SharedArrayBuffer (Node, Deno,
 * Bun, and cross-origin isolated pages) the copy lives in one, so every
 * worker reads the same bytes and the main thread clones nothing per
 * worker. Elsewhere it is an ordinary ArrayBuffer.
 */
export function shareCopy<T extends CopiedArray>(view: T): T {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (typeof SharedArrayBuffer === "undefined" || isolated === false) return view.slice() as T;
  const Kind = view.constructor as new (buffer: SharedArrayBuffer) => T;
  const copy = new Kind(new SharedArrayBuffer(view.byteLength));
  copy.set(view as never);
  return copy;
}

/** Copies a typed array into newly allocated linear memory and returns the pointer. */
function writeInto(core: Core, array: CopiedArray): number {
  const ptr = core.alloc(array.byteLength);
  new Uint8Array(core.exports.memory.buffer, ptr, array.byteLength).set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  return ptr;
}

/**
 * Runs in a worker: handles "fit" messages by instantiating the core from
 * the module sent, copying the job's data in once and fitting each seed's
 * tree; "predict" messages by importing the trees, and the "rows" message
 * that follows by predicting those rows; and "csv" messages by parsing one
 * range of a file (csv.ts). `createCore` is `Core.create` and `openSource`
 * reopens a source from its handle (default: Blob and URL handles only),
 * both passed in so this file needs no runtime-specific import.
 */
export function serveForestWorker(
  port: { postMessage(message: unknown, transfer?: Transferable[]): void; onMessage(handler: (message: unknown) => void): void },
  createCore: (module: WebAssembly.Module) => Promise<Core>,
  openSource: (handle: SourceHandle) => ByteSource | undefined = openWebHandle,
): void {
  let prediction: Promise<PreparedPrediction> | undefined;
  port.onMessage(async (raw) => {
    if (isRangeRequest(raw)) {
      try {
        const core = raw.module ? await createCore(await compiled(raw.module)) : undefined;
        await readRangeInWorker(raw, openSource, (message, transfer) => port.postMessage(message, transfer), core);
        port.postMessage({ type: "done" });
      } catch (error) {
        port.postMessage({ type: "error", message: messageOf(error) });
      }
      return;
    }
    const message = raw as WorkerRequest;
    if (message.type === "predict") {
      // The rows follow in a "rows" message. This promise is set before any await, so it is
      // there when they arrive, and its failure is reported when they do. A worker kept from
      // the last prediction of the same forest keeps its core and trees.
      const previous = message.reuse ? prediction : undefined;
      prediction = previous ? previous.then((prepared) => ({ ...prepared, request: message })) : preparePrediction(createCore, message);
      prediction.catch(() => {});
      return;
    }
    if (message.type !== "fit" && message.type !== "rows") return;
    try {
      if (message.type === "fit") fitInWorker(await createCore(await compiled(message.module)), message, port);
      else predictInWorker(await prediction!, message.x, port);
      port.postMessage({ type: "done" });
    } catch (error) {
      port.postMessage({ type: "error", message: messageOf(error) });
    }
  });
}

type WorkerRequest =
  | { type: "fit"; module: WebAssembly.Module | Uint8Array; job: ForestJob; indices: number[]; seeds: number[] }
  | { type: "predict"; module: WebAssembly.Module | Uint8Array; job: PredictJob; rows: number; output: PredictOutput; reuse: boolean }
  | { type: "rows"; x: Float32Array };

/** One part of the rows of a prediction: its row count, and a function that copies out its values, column-major. */
export interface PredictPart {
  rows: number;
  values: () => Float32Array;
}

/** Output of a prediction worker: the summed class probabilities (proba) or each row's class (classes). */
type PredictOutput = "proba" | "classes";

/** Copies the job's data into the worker's core once and fits each seed's tree. */
function fitInWorker(core: Core, message: Extract<WorkerRequest, { type: "fit" }>, port: { postMessage(message: unknown, transfer?: Transferable[]): void }): void {
  const { job } = message;
  const e = core.exports;
  const y = writeInto(core, job.y);
  const histogram = job.splitter === "histogram";
  const x = writeInto(core, histogram ? job.rowValues! : job.x!);
  const codes = histogram ? writeInto(core, job.codes!) : 0;
  const edges = histogram ? writeInto(core, job.edges!) : 0;
  const edgeCounts = histogram ? writeInto(core, job.edgeCounts!) : 0;
  for (let t = 0; t < message.indices.length; t++) {
    const seed = message.seeds[t];
    const handle = histogram
      ? e.histForestTreeFit(x, codes, job.rows, job.cols, edges, edgeCounts, job.maxBins, y, job.classCount, job.bootstrap,
          job.maxFeatures, job.maxDepth, job.minSamplesSplit, job.minSamplesLeaf, job.exactBelow!, seed)
      : e.forestTreeFit(x, job.rows, job.cols, y, job.classCount, job.bootstrap,
          job.maxFeatures, job.maxDepth, job.minSamplesSplit, job.minSamplesLeaf, seed);
    const packed = packedTree(core, handle, job.classCount);
    const tree: TreeMessage = {
      index: message.indices[t],
      depth: e.treeDepth(handle),
      nodeCount: e.treeNodeCount(handle),
      importances: treeImportances(core, handle, job.cols),
      packed,
    };
    port.postMessage({ type: "tree", ...tree }, [packed.nodes.buffer, packed.leafFractions.buffer, tree.importances.buffer]);
    e.treeFree(handle);
  }
}

/** A worker's core with a prediction's trees imported, waiting for the rows. */
interface PreparedPrediction {
  core: Core;
  request: Extract<WorkerRequest, { type: "predict" }>;
  handles: number;
  treeCount: number;
}

/** Starts the core and rebuilds the trees' prediction forms in it. */
async function preparePrediction(createCore: (module: WebAssembly.Module) => Promise<Core>, request: Extract<WorkerRequest, { type: "predict" }>): Promise<PreparedPrediction> {
  const core = await createCore(await compiled(request.module));
  const { job } = request;
  const handles = Int32Array.from(job.trees, (tree) => importPackedTree(core, tree, job.classCount, job.featureCount));
  return { core, request, handles: writeInto(core, handles), treeCount: handles.length };
}

/** Sums the prepared trees' probabilities over the rows `values` (column-major), or predicts the rows' classes. */
function predictInWorker(prepared: PreparedPrediction, values: Float32Array, port: { postMessage(message: unknown, transfer?: Transferable[]): void }): void {
  const { core, request, handles, treeCount } = prepared;
  const { rows } = request;
  // The worker may be kept for the next prediction, so the rows and results are freed.
  const classes = request.output === "classes";
  const size = classes ? rows : rows * request.job.classCount;
  const x = writeInto(core, values);
  const out = core.alloc(size * (classes ? 4 : 8));
  try {
    if (classes) {
      core.exports.forestPredictClasses(handles, treeCount, x, rows, out);
      const predicted = core.i32(out, size).slice();
      port.postMessage({ type: "classes", classes: predicted }, [predicted.buffer]);
    } else {
      core.exports.forestSumProba(handles, treeCount, x, rows, out);
      const proba = core.f64(out, size).slice();
      port.postMessage({ type: "proba", proba }, [proba.buffer]);
    }
  } finally {
    core.free(out);
    core.free(x);
  }
}

/** Returns `tree` with its arrays copied by shareCopy, for posting to every worker of a prediction. */
export function sharePackedTree(tree: PackedTree): PackedTree {
  return { nodes: shareCopy(tree.nodes), leafFractions: shareCopy(tree.leafFractions), root: tree.root };
}

/** Returns the sizes, root and addresses of tree `handle`'s prediction form in `core`, making the form first if needed. */
function packedForm(core: Core, handle: number): { splits: number; leaves: number; root: number; nodesPtr: number; fractionsPtr: number } {
  const info = core.alloc(20);
  core.exports.treePackedForm(handle, info);
  const [splits, leaves, root, nodesPtr, fractionsPtr] = core.i32(info, 5);
  core.free(info);
  return { splits, leaves, root, nodesPtr: nodesPtr >>> 0, fractionsPtr: fractionsPtr >>> 0 };
}

/** Returns the prediction form of tree `handle` in `core`, copied out of linear memory. */
export function packedTree(core: Core, handle: number, classCount: number): PackedTree {
  const { splits, leaves, root, nodesPtr, fractionsPtr } = packedForm(core, handle);
  return {
    nodes: new Uint8Array(core.exports.memory.buffer, nodesPtr, splits * 16).slice(),
    leafFractions: core.f64(fractionsPtr, leaves * classCount).slice(),
    root,
  };
}

/** Registers a tree's prediction form in `core` and returns its handle; such a tree predicts, and has no node arrays. */
export function importPackedTree(core: Core, tree: PackedTree, classCount: number, featureCount: number): number {
  const leaves = tree.leafFractions.length / classCount;
  const handle = core.exports.treeAllocPacked(classCount, featureCount, tree.nodes.length / 16, leaves, tree.root);
  const { nodesPtr, fractionsPtr } = packedForm(core, handle);
  new Uint8Array(core.exports.memory.buffer, nodesPtr, tree.nodes.length).set(tree.nodes);
  core.f64(fractionsPtr, tree.leafFractions.length).set(tree.leafFractions);
  return handle;
}

/**
 * Returns a pool of standard module Web Workers (browsers, Deno, Bun)
 * running `script`, a file that calls `serveWebForestWorker`.
 */
export function webForestPool(module: WebAssembly.Module | Uint8Array, script: URL, size: number, options?: ForestPoolOptions): ForestPool {
  const factory = (): WorkerPort => {
    const worker = new Worker(script, { type: "module" });
    return {
      postMessage: (message, transfer) => worker.postMessage(message, transfer ?? []),
      onMessage: (handler) => {
        worker.onmessage = (event: MessageEvent) => handler(event.data);
      },
      onError: (handler) => {
        worker.onerror = (event: ErrorEvent) => {
          event.preventDefault();
          // A script that fails to load gives an event without a message in browsers.
          handler(event.message || `the worker script ${script.href} did not start; check that it is served at that address`);
        };
      },
      terminate: () => worker.terminate(),
      // Bun's workers have these, but browsers' and Deno's do not.
      unref: () => (worker as { unref?: () => void }).unref?.(),
      ref: () => (worker as { ref?: () => void }).ref?.(),
    };
  };
  return new ForestPool(factory, size, module, options);
}

/** Serves forest fits inside a standard Web Worker (the worker side of `webForestPool`). */
export function serveWebForestWorker(
  createCore: (module: WebAssembly.Module) => Promise<Core>,
  openSource: (handle: SourceHandle) => ByteSource | undefined = openWebHandle,
): void {
  const scope = globalThis as unknown as {
    postMessage(message: unknown, transfer?: Transferable[]): void;
    onmessage: ((event: MessageEvent) => void) | null;
  };
  serveForestWorker(
    {
      postMessage: (message, transfer) => scope.postMessage(message, transfer ?? []),
      onMessage: (handler) => {
        scope.onmessage = (event) => handler(event.data);
      },
    },
    createCore,
    openSource,
  );
}
