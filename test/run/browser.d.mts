// Types of the browser.mjs exports that TypeScript files import (test/bench_smoke.test.ts).
export declare const CHROMIUM_PATH: string;
