// Regenerates test/fixtures/experiment/sample.json: runs flowguard's
// experiment on the shipped sample with --export, then trains scikit-learn
// on the exported rows (reference/experiment.py, Debian's python3-sklearn).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const python = process.env.PYTHON ?? "/usr/bin/python3";
const work = mkdtempSync(join(tmpdir(), "flowguard-reference-"));
function run(command, args) {
  const result = spawnSync(command, args, { stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) {
    process.stderr.write(`reference: ${command} ${args.join(" ")} failed with status ${result.status}\n`);
    process.exit(1);
  }
}
try {
  run(process.execPath, ["bin/flowguard.js", "experiment", "--models", "dt", "--quiet", "--out", join(work, "out"), "--export", join(work, "export")]);
  run(python, ["reference/experiment.py", join(work, "export"), "test/fixtures/experiment/sample.json"]);
  process.stdout.write("wrote test/fixtures/experiment/sample.json\n");
} finally {
  rmSync(work, { recursive: true, force: true });
}
