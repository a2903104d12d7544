/**
 * flowguard's library entry for Bun: the runtime-neutral API plus
 * `loadCore` (dist/flowguard.wasm read with `Bun.file`), `fileSource` and
 * the folder access that `resolveRecipe` needs. Importing it points the
 * parquet reader at parquet-wasm's binary in node_modules, which is read
 * only when the first parquet file is opened.
 *
 * @example
 * import { bunRecipeFileSystem, fileSource, loadCore, resolveRecipe, runExperiment, reportMarkdown } from "flowguard";
 * const recipe = await resolveRecipe(bunRecipeFileSystem, { train: ["*.csv"], split: 0.2, classes: ["Benign", "Syn"] }, "flows");
 * const { report, dataset } = await runExperiment(recipe, { core: await loadCore(), open: fileSource, runtime: `bun ${Bun.version}` });
 * dataset.free();
 * console.log(reportMarkdown(report));
 */
import { useBunParquetWasm } from "./wasm.ts";

export * from "../../src/index.ts";
export { bunRecipeFileSystem, fileSource } from "./files.ts";
export { loadCore, loadForestPool, useBunParquetWasm } from "./wasm.ts";

useBunParquetWasm();
