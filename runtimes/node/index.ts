/**
 * flowguard's library entry for Node: the runtime-neutral API plus
 * `loadCore` (dist/flowguard.wasm read from disk), `fileSource` and the
 * folder access that `resolveRecipe` needs. Importing it points the parquet
 * reader at parquet-wasm's binary in node_modules, which is read only when
 * the first parquet file is opened.
 *
 * @example
 * import { fileSource, loadCore, nodeRecipeFileSystem, resolveRecipe, runExperiment, reportMarkdown } from "flowguard";
 * const recipe = await resolveRecipe(nodeRecipeFileSystem, { train: ["*.csv"], split: 0.2, classes: ["Benign", "Syn"] }, "flows");
 * const { report, dataset } = await runExperiment(recipe, { core: await loadCore(), open: fileSource, runtime: `node ${process.versions.node}` });
 * dataset.free();
 * console.log(reportMarkdown(report));
 */
import { useNodeParquetWasm } from "./parquet.ts";

export * from "../../src/index.ts";
export { fileSource, nodeRecipeFileSystem } from "./files.ts";
export { loadForestPool } from "./forest_pool.ts";
export { useNodeParquetWasm } from "./parquet.ts";
export { loadCore } from "./wasm.ts";

useNodeParquetWasm();
