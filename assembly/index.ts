// Entry of the WebAssembly core: every kernel module is re-exported here.
// Pointers passed to kernels come from `alloc` and address little-endian
// typed data in linear memory; the TypeScript side (src/wasm.ts) owns them.

export { alloc, release } from "./util/memory";
export * from "./pearson";
export * from "./gaussian_nb";
export * from "./logistic";
export * from "./metrics";
export {
  treeFit,
  treeFree,
  treeNodeCount,
  treeDepth,
  treePredict,
  treePredictProba,
  treeImportances,
  treeExport,
  treeImport,
  treeAllocPacked,
  treePackedForm,
} from "./cart";
export * from "./forest";
export { binEdges, binRows, binSearchTable } from "./binning";
export { histTreeFit, histForestTreeFit } from "./hist_tree";
export { mtRandint } from "./util/mt19937";
export { csvFixupCount, csvParseRows, csvPosition } from "./csv";
