// Types of protocol.mjs for the TypeScript side (child.ts).
export declare const RESULT_MARKER: string;
export declare function parseOutput(stdout: string): { results: unknown[]; output: string };
