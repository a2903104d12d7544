// The HTTP server of the browser tests, bound to 127.0.0.1 on a free port.
// It serves the repository read-only: GET and HEAD only, and no dotfiles or
// paths outside the root. It also serves the bundled test files from memory
// under /__bundle__/, the test page, and /__files__.json. That file lists
// the files and folders below FILE_LIST_ROOTS, and
// test/support/platform_browser.ts takes file sizes and folder listings
// from it.
import { createReadStream, readdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, relative, resolve, sep } from "node:path";

/** Folders listed in /__files__.json: everything tests read or list. */
const FILE_LIST_ROOTS = ["assembly", "data", "src", "test"];

const CONTENT_TYPES = {
  ".css": "text/css; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
};

export const PAGE_PATH = "/__test__.html";
export const BUNDLE_PREFIX = "/__bundle__/";

function listFiles(root) {
  const files = {};
  const dirs = {};
  const walk = (dir) => {
    const entries = readdirSync(join(root, dir), { withFileTypes: true });
    dirs[dir] = entries.map((entry) => entry.name).sort();
    for (const entry of entries) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files[path] = statSync(join(root, path)).size;
    }
  };
  for (const name of FILE_LIST_ROOTS) walk(name);
  return { files, dirs };
}

/**
 * Starts the server. `bundle` maps a path below /__bundle__/ to its
 * JavaScript text, and `pageEntry` names the bundle the test page loads.
 * Returns the origin and a function that stops the server.
 */
export async function startServer({ root, bundle, pageEntry }) {
  const rootDir = resolve(root);
  // The empty icon keeps Chromium from requesting /favicon.ico and logging the 404.
  const page = `<!doctype html>\n<meta charset="utf-8">\n<title>flowguard tests</title>\n<link rel="icon" href="data:,">\n<script type="module" src="${BUNDLE_PREFIX}${pageEntry}"></script>\n`;

  const server = createServer((request, response) => {
    const send = (status, type, body) => {
      response.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      response.end(request.method === "HEAD" ? undefined : body);
    };
    if (request.method !== "GET" && request.method !== "HEAD") return send(405, "text/plain", "the test server is read-only\n");

    let pathname;
    try {
      pathname = decodeURIComponent(new URL(request.url, "http://127.0.0.1").pathname);
    } catch {
      return send(400, "text/plain", "invalid URL\n");
    }
    if (pathname === PAGE_PATH) return send(200, CONTENT_TYPES[".html"], page);
    if (pathname === "/__files__.json") return send(200, CONTENT_TYPES[".json"], JSON.stringify(listFiles(rootDir)));
    if (pathname.startsWith(BUNDLE_PREFIX)) {
      const text = bundle.get(pathname.slice(BUNDLE_PREFIX.length));
      return text === undefined ? send(404, "text/plain", `no bundle ${pathname}\n`) : send(200, CONTENT_TYPES[".js"], text);
    }

    const path = resolve(rootDir, `.${pathname}`);
    const inside = relative(rootDir, path);
    if (inside.startsWith("..") || inside.split(sep).some((part) => part.startsWith("."))) return send(404, "text/plain", "not served\n");
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return send(404, "text/plain", `not found: ${pathname}\n`);
    }
    if (!stat.isFile()) return send(404, "text/plain", `not a file: ${pathname}\n`);
    // One byte range ("bytes=N-" or "bytes=N-M"), for readers that split a file across workers.
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] !== "" ? Math.min(Number(range[2]), stat.size - 1) : stat.size - 1;
    if (range && (start >= stat.size || end < start)) {
      response.writeHead(416, { "content-range": `bytes */${stat.size}`, "cache-control": "no-store" });
      return response.end();
    }
    response.writeHead(range ? 206 : 200, {
      "content-type": CONTENT_TYPES[extname(path)] ?? "application/octet-stream",
      "content-length": end - start + 1,
      "accept-ranges": "bytes",
      "cache-control": "no-store",
      ...(range ? { "content-range": `bytes ${start}-${end}/${stat.size}` } : {}),
    });
    if (request.method === "HEAD" || stat.size === 0) return response.end();
    // Reads of 1 MiB instead of the default 64 KiB, so that large files go out in fewer, larger writes.
    createReadStream(path, { start, end, highWaterMark: 1 << 20 })
      .on("error", () => response.destroy())
      .pipe(response);
  });

  await new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", done);
  });
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((done) => server.close(done)),
  };
}
