// Builds everything in dist/ by running each step in build/ (files with an
// `order` and a `build` export) in order. `--if-stale` skips steps whose
// outputs are newer than their inputs.
import { readdirSync } from "node:fs";

const ifStale = process.argv.includes("--if-stale");
const steps = [];
for (const file of readdirSync(new URL("./build/", import.meta.url))) {
  if (!file.endsWith(".mjs") || file === "util.mjs") continue;
  const step = await import(new URL(`./build/${file}`, import.meta.url));
  steps.push({ file, ...step });
}
steps.sort((a, b) => a.order - b.order || a.file.localeCompare(b.file));
try {
  for (const step of steps) await step.build({ ifStale });
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
