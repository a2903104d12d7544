// Preloaded by runtimes.mjs into every Bun test process: serves the test
// harness as the module "vitest", so the test files' imports reach it. A
// virtual module is used because, in Bun 1.4.5, an onResolve hook for the
// bare name "vitest" never ran: the package in node_modules won.
import * as harness from "../support/harness.ts";

interface VirtualModule {
  exports: Record<string, unknown>;
  loader: "object";
}

declare const Bun: {
  plugin(plugin: { name: string; setup(build: { module(specifier: string, load: () => VirtualModule): void }): void }): void;
};

Bun.plugin({
  name: "flowguard test harness as vitest",
  setup(build) {
    build.module("vitest", () => ({ exports: { ...harness }, loader: "object" }));
  },
});
