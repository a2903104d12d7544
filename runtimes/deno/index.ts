/**
 * flowguard's library entry for Deno: the runtime-neutral API plus
 * `loadCore` (dist/flowguard.wasm read with `Deno.readFile`), `fileSource`
 * and the folder access that `resolveRecipe` needs. Importing it points the
 * parquet reader at parquet-wasm's binary in node_modules, which is read
 * only when the first parquet file is opened. Reads need `--allow-read` for
 * the package's dist/ folder, for node_modules/parquet-wasm when parquet
 * files are read, and for the data, and a missing permission throws UsageError.
 *
 * @example
 * import { denoRecipeFileSystem, fileSource, loadCore, resolveRecipe, runExperiment, reportMarkdown } from "flowguard";
 * const recipe = await resolveRecipe(denoRecipeFileSystem, { train: ["*.csv"], split: 0.2, classes: ["Benign", "Syn"] }, "flows");
 * const { report, dataset } = await runExperiment(recipe, { core: await loadCore(), open: fileSource, runtime: `deno ${Deno.version.deno}` });
 * dataset.free();
 * console.log(reportMarkdown(report));
 */
import { useDenoParquetWasm } from "./wasm.ts";

export * from "../../src/index.ts";
export { UsageError } from "../../src/cli.ts";
export { denoRecipeFileSystem, fileSource } from "./files.ts";
export { loadCore, loadForestPool, useDenoParquetWasm } from "./wasm.ts";

useDenoParquetWasm();
