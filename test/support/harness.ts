// A small test harness with vitest's API, for the runtimes that vitest does
// not run in (Deno, Bun and web pages): test/run/ points the "vitest" import
// of every test file here. Test files register suites, tests and hooks when
// they are imported. `runTests` then runs them in registration order, one at
// a time, as vitest runs the tests of one file.
import { HOOK_TIMEOUT_MS, TEST_TIMEOUT_MS } from "./timeouts.ts";

export { expect } from "./expect.ts";

type Body = () => unknown;
type Mode = "run" | "skip" | "todo";

interface TestCase {
  kind: "test";
  name: string;
  body?: Body;
  mode: Mode;
  timeoutMs: number;
}

interface Suite {
  kind: "suite";
  name: string;
  mode: Mode;
  children: (Suite | TestCase)[];
  beforeAll: Body[];
  afterAll: Body[];
  beforeEach: Body[];
  afterEach: Body[];
}

/** Outcome of one test; `path` lists the enclosing suite names and then the test name. */
export interface TestResult {
  path: string[];
  status: "passed" | "failed" | "skipped";
  durationMs: number;
  /** Failure message, with the stack of errors that are not assertion failures. */
  error?: string;
}

function newSuite(name: string, mode: Mode): Suite {
  return { kind: "suite", name, mode, children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
}

const root = newSuite("", "run");
let current = root;
let started = false;

function register(child: Suite | TestCase): void {
  if (started) throw new Error(`harness: "${child.name}" was registered while tests run; register tests at import time`);
  current.children.push(child);
}

function addSuite(name: string, body: Body, mode: Mode): void {
  const suite = newSuite(name, current.mode === "skip" ? "skip" : mode);
  register(suite);
  const parent = current;
  current = suite;
  try {
    const returned = body();
    if (returned instanceof Promise) throw new Error(`harness: the callback of describe("${name}") returned a promise; collect tests synchronously`);
  } finally {
    current = parent;
  }
}

function addTest(name: string, body: Body | undefined, mode: Mode, timeoutMs = TEST_TIMEOUT_MS): void {
  register({ kind: "test", name, body, mode: current.mode === "skip" ? "skip" : mode, timeoutMs });
}

/** Replaces vitest's `%s %d %i %f %j %o %O %#` placeholders and `$key.path` references in an `each` name. */
export function eachName(template: string, row: unknown, index: number): string {
  const args = Array.isArray(row) ? row : [row];
  let next = 0;
  let name = template.replace(/%[sdifjoO#%]/g, (token) => {
    if (token === "%%") return "%";
    if (token === "%#") return String(index);
    const value = args[next++];
    if (token === "%d" || token === "%i") return String(token === "%i" ? Math.trunc(Number(value)) : Number(value));
    if (token === "%f") return String(Number(value));
    if (token === "%j") return JSON.stringify(value);
    return typeof value === "string" ? value : stringify(value);
  });
  if (row !== null && typeof row === "object" && !Array.isArray(row)) {
    name = name.replace(/\$([\w$]+(?:\.[\w$]+)*)/g, (_, path: string) => {
      const value = path.split(".").reduce<unknown>((object, key) => (object as Record<string, unknown> | undefined)?.[key], row);
      return typeof value === "string" ? `'${value}'` : stringify(value);
    });
  }
  return name;
}

function stringify(value: unknown): string {
  if (typeof value === "number" && Object.is(value, -0)) return "-0";
  if (typeof value !== "object" || value === null) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** `it.each(table)(name, fn)`: one test per row; array rows are spread into the arguments. */
function eachOf(mode: Mode) {
  return (table: readonly unknown[]) =>
    (template: string, body: (...args: never[]) => unknown, timeoutMs?: number) => {
      table.forEach((row, index) => {
        const args = Array.isArray(row) ? row : [row];
        addTest(eachName(template, row, index), () => (body as (...a: unknown[]) => unknown)(...args), mode, timeoutMs);
      });
    };
}

type TestFunction = ((name: string, body?: Body, timeoutMs?: number) => void) & {
  skip(name: string, body?: Body, timeoutMs?: number): void;
  todo(name: string): void;
  skipIf(condition: unknown): (name: string, body?: Body, timeoutMs?: number) => void;
  runIf(condition: unknown): (name: string, body?: Body, timeoutMs?: number) => void;
  each: ReturnType<typeof eachOf>;
};

/** Registers a test; a third argument sets its timeout in milliseconds. */
export const it: TestFunction = Object.assign((name: string, body?: Body, timeoutMs?: number) => addTest(name, body, body ? "run" : "todo", timeoutMs), {
  skip: (name: string, body?: Body, timeoutMs?: number) => addTest(name, body, "skip", timeoutMs),
  todo: (name: string) => addTest(name, undefined, "todo"),
  skipIf: (condition: unknown) => (name: string, body?: Body, timeoutMs?: number) => addTest(name, body, condition ? "skip" : "run", timeoutMs),
  runIf: (condition: unknown) => (name: string, body?: Body, timeoutMs?: number) => addTest(name, body, condition ? "run" : "skip", timeoutMs),
  each: eachOf("run"),
});
export const test = it;

type DescribeFunction = ((name: string, body: Body) => void) & {
  skip(name: string, body: Body): void;
  skipIf(condition: unknown): (name: string, body: Body) => void;
  runIf(condition: unknown): (name: string, body: Body) => void;
};

/** Registers a suite; its callback registers the suite's tests and hooks synchronously. */
export const describe: DescribeFunction = Object.assign((name: string, body: Body) => addSuite(name, body, "run"), {
  skip: (name: string, body: Body) => addSuite(name, body, "skip"),
  skipIf: (condition: unknown) => (name: string, body: Body) => addSuite(name, body, condition ? "skip" : "run"),
  runIf: (condition: unknown) => (name: string, body: Body) => addSuite(name, body, condition ? "run" : "skip"),
});

/** Runs `body` once before the first test of the enclosing suite (or file) that runs. */
export function beforeAll(body: Body): void {
  current.beforeAll.push(body);
}

/** Runs `body` once after the last test of the enclosing suite (or file). */
export function afterAll(body: Body): void {
  current.afterAll.push(body);
}

/** Runs `body` before each test of the enclosing suite (or file). */
export function beforeEach(body: Body): void {
  current.beforeEach.push(body);
}

/** Runs `body` after each test of the enclosing suite (or file). */
export function afterEach(body: Body): void {
  current.afterEach.push(body);
}

/** Calls `body` and waits for it, failing with a timeout error after `timeoutMs`. */
export async function withTimeout(body: Body, timeoutMs: number, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`harness: ${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(body), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Formats a caught error: the message of an assertion failure, name, message and stack lines of anything else. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `a non-error value was thrown: ${stringify(error)}`;
  if (error.name === "AssertionError") return error.message;
  const stack = error.stack ?? "";
  const frames = stack.split("\n").filter((line) => /^\s+at /.test(line)).slice(0, 8);
  return [`${error.name}: ${error.message}`, ...frames].join("\n");
}

function hasRunnable(node: Suite | TestCase): boolean {
  return node.kind === "test" ? node.mode === "run" : node.children.some(hasRunnable);
}

/**
 * Runs every registered test in order and returns one result per test.
 * `onResult` receives each result as soon as it is known. A failing
 * beforeAll hook fails every test of its suite.
 */
export async function runTests(onResult: (result: TestResult) => void = () => {}): Promise<TestResult[]> {
  started = true;
  const results: TestResult[] = [];
  const report = (result: TestResult) => {
    results.push(result);
    onResult(result);
  };
  await runSuite(root, [], [], report);
  return results;
}

async function runSuite(suite: Suite, parentPath: string[], eachHooks: Suite[], report: (result: TestResult) => void, setupError?: string): Promise<void> {
  const path = suite === root ? [] : [...parentPath, suite.name];
  const runnable = setupError === undefined && hasRunnable(suite);
  let error = setupError;
  if (runnable) {
    for (const hook of suite.beforeAll) {
      try {
        await withTimeout(hook, HOOK_TIMEOUT_MS, `beforeAll hook of "${suite.name || "file"}"`);
      } catch (caught) {
        error = `beforeAll hook failed: ${describeError(caught)}`;
        break;
      }
    }
  }
  const hooks = [...eachHooks, suite];
  for (const child of suite.children) {
    if (child.kind === "suite") await runSuite(child, path, hooks, report, error);
    else await runTest(child, [...path, child.name], hooks, report, error);
  }
  if (runnable) {
    for (const hook of suite.afterAll) {
      try {
        await withTimeout(hook, HOOK_TIMEOUT_MS, `afterAll hook of "${suite.name || "file"}"`);
      } catch (caught) {
        report({ path: [...path, "afterAll hook"], status: "failed", durationMs: 0, error: describeError(caught) });
      }
    }
  }
}

async function runTest(test: TestCase, path: string[], hooks: Suite[], report: (result: TestResult) => void, setupError?: string): Promise<void> {
  if (test.mode !== "run" || !test.body) {
    report({ path, status: "skipped", durationMs: 0 });
    return;
  }
  if (setupError !== undefined) {
    report({ path, status: "failed", durationMs: 0, error: setupError });
    return;
  }
  const start = performance.now();
  let error: string | undefined;
  try {
    for (const suite of hooks) for (const hook of suite.beforeEach) await withTimeout(hook, HOOK_TIMEOUT_MS, "beforeEach hook");
    await withTimeout(test.body, test.timeoutMs, `test "${test.name}"`);
  } catch (caught) {
    error = describeError(caught);
  }
  for (const suite of [...hooks].reverse()) {
    for (const hook of suite.afterEach) {
      try {
        await withTimeout(hook, HOOK_TIMEOUT_MS, "afterEach hook");
      } catch (caught) {
        error ??= `afterEach hook failed: ${describeError(caught)}`;
      }
    }
  }
  const durationMs = performance.now() - start;
  report(error === undefined ? { path, status: "passed", durationMs } : { path, status: "failed", durationMs, error });
}
