// The core's binary as the edge entry imports it. build/edge.mjs embeds the
// file's bytes (esbuild's binary loader), and bundlers that load .wasm
// imports as compiled modules, such as Cloudflare's wrangler, give a
// WebAssembly.Module instead.
declare module "*/dist/flowguard.wasm" {
  const core: Uint8Array | WebAssembly.Module;
  export default core;
}
