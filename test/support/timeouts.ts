// Timeouts of tests and hooks, shared by vitest.config.ts and by the harness
// of the other runtimes. The limits catch hangs, not slowness: the slowest
// hook, the sample experiment of experiment.test.ts, trains four models on
// the shipped sample and takes seconds.

/** Time a test may take before it fails, in milliseconds. */
export const TEST_TIMEOUT_MS = 300_000;

/** Time a beforeAll, afterAll, beforeEach or afterEach hook may take, in milliseconds. */
export const HOOK_TIMEOUT_MS = 300_000;
