/**
 * The demo's static file server (`npm run demo`): serves the built page
 * from dist/browser/ at `/` and the shipped sample from data/sample/ at
 * `/data/sample/`, read-only, on 127.0.0.1 only. Gzip files go out as the
 * stored bytes with Content-Type application/gzip and no Content-Encoding,
 * because the page's CSV loader decompresses them itself.
 */
import { createReadStream, existsSync, realpathSync } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The package folder; this file and its bundle (dist/node/serve.js) both sit two levels below it. */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const HOST = "127.0.0.1";
const DEFAULT_PORT = 8080;
const INDEX_FILE = "demo.html";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".gz": "application/gzip",
  ".csv": "text/csv; charset=utf-8",
  ".parquet": "application/vnd.apache.parquet",
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/**
 * Allows only the page's own files: scripts and workers from this origin,
 * WebAssembly compilation, and Blob URLs for the report downloads.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

/** A folder served under a URL path prefix that ends with "/". */
interface Mount {
  prefix: string;
  dir: string;
}

export interface DemoServerOptions {
  /** TCP port; 0 picks any free port. Default 8080. */
  port?: number;
  /** Folder that contains dist/browser/ and data/sample/; default the package folder. */
  root?: string;
  /** Called with every error the server catches while handling a request. Default: none. */
  onError?: (error: Error, request: IncomingMessage) => void;
  /** Called when a response has been sent; `bodyBytes` counts the body only. Default: none. */
  onResponse?: (entry: { method: string; path: string; status: number; bodyBytes: number }) => void;
  /** Called when the client closed the connection before the response was sent. Default: none. */
  onClientClose?: (entry: { method: string; path: string; status: number }) => void;
}

/** Starts the demo server on 127.0.0.1 and returns it with its base URL, e.g. "http://127.0.0.1:8080/". */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<{ server: Server; url: string }> {
  const root = options.root ?? PACKAGE_ROOT;
  // The longer prefix first, so that /data/sample/ wins over /.
  const mounts: Mount[] = [
    { prefix: "/data/sample/", dir: join(root, "data", "sample") },
    { prefix: "/", dir: join(root, "dist", "browser") },
  ];
  const server = createServer((request, response) => {
    let reported = false;
    const reportSent = () => {
      if (reported) return;
      reported = true;
      const bodyBytes = request.method === "HEAD" ? 0 : Number(response.getHeader("Content-Length") ?? 0);
      options.onResponse?.({ method: request.method ?? "", path: request.url ?? "", status: response.statusCode, bodyBytes });
    };
    response.once("finish", reportSent);
    handleRequest(mounts, request, response).then(() => {
      if (sentBeforeClose.has(response)) reportSent();
    }, (error: Error) => {
      // A client that hangs up (a cancelled run, a closed tab) is not a server failure.
      if ((error as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") {
        options.onClientClose?.({ method: request.method ?? "", path: request.url ?? "", status: response.statusCode });
        return;
      }
      options.onError?.(error, request);
      if (!response.headersSent) sendText(response, 500, "Internal server error");
      else response.destroy(error);
    });
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once("error", rejectListen);
    server.listen(options.port ?? DEFAULT_PORT, HOST, () => {
      server.off("error", rejectListen);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${HOST}:${port}/` };
}

async function handleRequest(mounts: Mount[], request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.setHeader("Allow", "GET, HEAD");
    sendText(response, 405, `Method ${request.method} is not allowed; this server only reads files.`);
    return;
  }
  const pathname = new URL(request.url ?? "/", `http://${HOST}`).pathname;
  const file = await resolveFile(mounts, pathname === "/" ? `/${INDEX_FILE}` : pathname);
  if (file === null) {
    sendText(response, 404, `Not found: ${pathname}`);
    return;
  }

  // Browsers revalidate every time (no-cache), and a rebuilt file gets a new tag from its new mtime.
  const etag = `W/"${file.size.toString(16)}-${Math.round(file.mtimeMs).toString(16)}"`;
  const headers = {
    "Cache-Control": "no-cache",
    ETag: etag,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  };
  if (request.headers["if-none-match"] === etag) {
    writeHead(response, 304, headers);
    response.end();
    return;
  }
  writeHead(response, 200, {
    ...headers,
    "Content-Type": CONTENT_TYPES[extname(file.path).toLowerCase()] ?? "application/octet-stream",
    "Content-Length": file.size,
  });
  if (request.method === "HEAD") {
    response.end();
    return;
  }
  const source = createReadStream(file.path);
  try {
    await pipeline(source, response);
  } catch (error) {
    // A client such as curl may close as soon as it has Content-Length bytes, before the file stream ends.
    const sentInFull = source.bytesRead === file.size && response.writableLength === 0;
    if ((error as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE" && sentInFull) {
      sentBeforeClose.add(response);
      return;
    }
    throw error;
  }
}

/** Responses whose whole body was handed to the socket before the client closed it (see serveFile). */
const sentBeforeClose = new WeakSet<ServerResponse>();

/**
 * Maps a URL path to a regular file inside one of the mounts, or returns
 * null. Rejects percent-encoded slashes, backslashes, NUL, "." and ".."
 * segments and hidden files, and checks after resolving symbolic links that
 * the file still lies inside its mount.
 */
async function resolveFile(mounts: Mount[], pathname: string): Promise<{ path: string; size: number; mtimeMs: number } | null> {
  const mount = mounts.find((candidate) => pathname.startsWith(candidate.prefix));
  if (mount === undefined) return null;

  const segments: string[] = [];
  for (const raw of pathname.slice(mount.prefix.length).split("/")) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === "" || segment.startsWith(".") || /[/\\\0]/.test(segment)) return null;
    segments.push(segment);
  }
  if (segments.length === 0) return null;

  const path = join(mount.dir, ...segments);
  if (!isInside(mount.dir, path)) return null;
  try {
    const real = await realpath(path);
    if (!isInside(await realpath(mount.dir), real)) return null;
    const info = await stat(real);
    return info.isFile() ? { path: real, size: info.size, mtimeMs: info.mtimeMs } : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return null;
    throw error;
  }
}

function isInside(dir: string, path: string): boolean {
  const inside = relative(dir, path);
  return inside !== "" && !inside.startsWith("..") && !isAbsolute(inside);
}

/** Sends the status line and headers through setHeader, so that the response log can read Content-Length back. */
function writeHead(response: ServerResponse, status: number, headers: Record<string, string | number>): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.writeHead(status);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(`${text}\n`);
  writeHead(response, status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": body.length,
    "X-Content-Type-Options": "nosniff",
  });
  response.end(body);
}

const HELP = `Usage: npm run demo -- [--port N]
       node dist/node/serve.js [--port N]

Serves the browser demo (dist/browser/) and the shipped sample (data/sample/)
on http://127.0.0.1, read-only, and prints the page's address, then one line
per request: method, path, status and body bytes.

Options:
  --port N     TCP port from 0 to 65535; 0 picks any free port; default ${DEFAULT_PORT}
  -h, --help   show this help
`;

/** Parses the command line; returns the port, "help", or an error message. */
export function parseServeArgs(argv: string[]): { port: number } | "help" | { error: string } {
  let port = DEFAULT_PORT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") return "help";
    const inline = arg.startsWith("--port=") ? arg.slice("--port=".length) : undefined;
    if (arg !== "--port" && inline === undefined) return { error: `unknown option "${arg}"; run with --help for the options` };
    const value = inline ?? argv[++i];
    if (value === undefined || !/^\d+$/.test(value) || Number(value) > 65535) {
      return { error: `--port must be an integer from 0 to 65535, got ${value === undefined ? "nothing" : `"${value}"`}` };
    }
    port = Number(value);
  }
  return { port };
}

/** Runs the server from the command line; returns the exit status when it cannot start. */
async function main(argv: string[]): Promise<number | undefined> {
  const args = parseServeArgs(argv);
  if (args === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  if ("error" in args) {
    process.stderr.write(`flowguard demo: ${args.error}\n`);
    return 1;
  }
  if (!existsSync(join(PACKAGE_ROOT, "dist", "browser", INDEX_FILE))) {
    process.stderr.write(`flowguard demo: dist/browser/${INDEX_FILE} is missing; build the page with: node build.mjs\n`);
    return 1;
  }

  let started: { server: Server; url: string };
  try {
    started = await startDemoServer({
      port: args.port,
      onError: (error, request) =>
        process.stderr.write(`flowguard demo: failed to serve ${request.method} ${request.url}: ${error.message}\n`),
      onResponse: ({ method, path, status, bodyBytes }) => process.stdout.write(`${method} ${path} ${status} ${bodyBytes} bytes\n`),
      onClientClose: ({ method, path, status }) => process.stdout.write(`${method} ${path} ${status} closed by the client before the end\n`),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "EADDRINUSE"
        ? `port ${args.port} is in use; pass --port with another port, or --port 0 for any free port`
        : (error as Error).message;
    process.stderr.write(`flowguard demo: could not listen on ${HOST}:${args.port}: ${reason}\n`);
    return 1;
  }

  process.stdout.write(`flowguard demo: serving ${started.url} (press Ctrl+C to stop)\n`);
  const stop = () => {
    started.server.close();
    started.server.closeAllConnections();
    process.stdout.write("flowguard demo: stopped\n");
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return undefined;
}

// Run only as a program, not when a test imports this module.
const entry = process.argv[1];
if (entry !== undefined && existsSync(entry) && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  const status = await main(process.argv.slice(2));
  if (status !== undefined) process.exitCode = status;
}
