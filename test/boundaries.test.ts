// src/ and assembly/ must run unchanged in Node, Deno, Bun, browsers and
// edge runtimes, so they may use web-standard APIs only: no Node modules, no
// Deno, Bun or process globals, no require and no DOM. Code that needs one
// of these belongs in runtimes/.
import { describe, expect, it } from "vitest";
import { findPlatformReferences } from "./support/boundaries.ts";
import { listFilesDeep, readText } from "./support/platform.ts";

const SOURCE_DIRS = ["src", "assembly"];

const sourceFiles: string[] = [];
for (const dir of SOURCE_DIRS) sourceFiles.push(...(await listFilesDeep(dir)).filter((path) => /\.(ts|js|mjs)$/.test(path)));

describe("runtime-neutral sources", () => {
  it("finds the sources", () => {
    expect(sourceFiles).toContain("src/csv.ts");
    expect(sourceFiles).toContain("assembly/index.ts");
  });

  it.each(sourceFiles)("%s uses no runtime-specific API", async (path) => {
    const findings = findPlatformReferences(await readText(path));
    expect(findings.map((f) => `${path}:${f.line}: ${f.rule} ${f.text}`)).toEqual([]);
  });
});

describe("findPlatformReferences", () => {
  const found: [string, string, string[]][] = [
    ["node: import", 'import { readFile } from "node:fs";', ["1 node: import node:fs"]],
    ["type-only node: import", 'import type { Stats } from "node:fs";', ["1 node: import node:fs"]],
    ["re-export", 'export * from "node:path";', ["1 node: import node:path"]],
    ["dynamic import", 'const os = await import("node:os");', ["1 node: import node:os"]],
    ["bare built-in", 'import fs from "fs";', ["1 Node built-in import fs"]],
    ["side-effect import", 'import "zlib";', ["1 Node built-in import zlib"]],
    ["Deno call", 'const text = await Deno.readTextFile("a");', ["1 Deno global Deno"]],
    ["Bun on globalThis", 'const file = globalThis.Bun.file("a");', ["1 Bun global globalThis.Bun"]],
    ["process property", "const debug = process.env.DEBUG;", ["1 Node process global process"]],
    ["optional process", "const argv = process?.argv;", ["1 Node process global process"]],
    ["require call", 'const zlib = require("zlib");', ["1 CommonJS require require"]],
    ["document", "document.title = name;", ["1 DOM global document"]],
    ["window in typeof", 'if (typeof window !== "undefined") run();', ["1 DOM global window"]],
    ["template expression", "const s = `a ${process.pid} b`;", ["1 Node process global process"]],
    ["line after a comment", "/* one\n two */\n// three\nDeno.exit(1);", ["4 Deno global Deno"]],
    ["after divisions", "const share = rows / total / 2;\nDeno.exit(0);", ["2 Deno global Deno"]],
    ["after a regular expression", "const re = /[/]window/g;\nwindow.alert(re);", ["2 DOM global window"]],
  ];
  it.each(found)("finds %s", (_, source, expected) => {
    expect(findPlatformReferences(source).map((f) => `${f.line} ${f.rule} ${f.text}`)).toEqual(expected);
  });

  const clean: [string, string][] = [
    ["comments", "// Deno.readFile and process.exit()\n/* import fs from \"node:fs\"; window */"],
    ["strings", 'const hint = "use Deno.readFile or process.env, not window";'],
    ["template text", "const hint = `process.env and ${name} and document`;"],
    ["regular expression", "const re = /process\\.env|window/;"],
    ["member names", "options.process(rows); report.document = x; a?.window;"],
    ["object keys and typed parameters", "const o = { window: 3, document: 4 }; function f(process?: number, require: boolean) {}"],
    ["local declarations", "const window = 5; function document() {} const next = window + document();"],
    ["relative imports", 'import { readCsv } from "./csv.ts"; import x from "../node/fs.ts";'],
    ["node: in a non-import string", 'const scheme = "node:fs";'],
    ["Deno without member access", 'const inDeno = typeof Deno !== "undefined";'],
  ];
  it.each(clean)("ignores %s", (_, source) => {
    expect(findPlatformReferences(source)).toEqual([]);
  });
});
