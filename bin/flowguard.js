#!/usr/bin/env node
// Runs the bundled command, building it first when dist/ is missing.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
if (!existsSync(new URL("../dist/node/cli.js", import.meta.url))) {
  const build = spawnSync(process.execPath, ["build.mjs"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) {
    process.stderr.write("flowguard: the build failed; run `npm run build` to see why\n");
    process.exit(1);
  }
}
await import("../dist/node/cli.js");
