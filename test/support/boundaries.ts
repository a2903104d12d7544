// Finds code in a TypeScript or AssemblyScript file that ties it to one
// runtime: imports of Node modules, and references to the globals Deno,
// Bun, process, require, document and window. A small tokenizer skips
// comments, strings, template text and regular expressions, so only code
// counts. It does not resolve scopes: a name declared in the file with
// const, let, var, function or class is taken as local everywhere in it.

/** One runtime-specific reference; `line` is 1-based. */
export interface Finding {
  line: number;
  rule: string;
  text: string;
}

interface Token {
  kind: "identifier" | "string" | "punctuator" | "number" | "regex";
  text: string;
  line: number;
}

/** Node's built-in modules that can be imported without the node: prefix, as of Node 20. */
const NODE_BUILTINS = new Set([
  "assert", "async_hooks", "buffer", "child_process", "cluster", "crypto", "dgram", "dns", "events", "fs", "fs/promises",
  "http", "http2", "https", "module", "net", "os", "path", "perf_hooks", "process", "readline", "stream", "stream/web",
  "string_decoder", "timers", "tls", "tty", "url", "util", "v8", "vm", "worker_threads", "zlib",
]);

/** Globals that exist in one runtime only, and the token that must follow a reference for it to count. */
const RUNTIME_GLOBALS = new Map<string, { rule: string; next?: string[] }>([
  ["Deno", { rule: "Deno global", next: [".", "?.", "["] }],
  ["Bun", { rule: "Bun global", next: [".", "?.", "["] }],
  ["process", { rule: "Node process global", next: [".", "?.", "["] }],
  ["require", { rule: "CommonJS require", next: ["("] }],
  ["document", { rule: "DOM global" }],
  ["window", { rule: "DOM global" }],
]);

/** Names that hold the global object, so `globalThis.Deno` counts as a reference to Deno. */
const GLOBAL_OBJECTS = new Set(["globalThis", "self", "window", "global"]);

/** Keywords after which a slash starts a regular expression, not a division. */
const BEFORE_EXPRESSION = new Set(["return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "instanceof", "yield", "await"]);

const PUNCTUATORS = ["...", "?.", "=>"];

/** Splits source text into tokens, dropping whitespace, comments and the text parts of template literals. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  /** For each open brace: whether it opened a template expression (`${`) rather than a block or object. */
  const braces: boolean[] = [];
  let line = 1;
  let i = 0;
  const push = (kind: Token["kind"], text: string, startLine = line) => tokens.push({ kind, text, line: startLine });
  const advance = (to: number) => {
    for (let j = i; j < to; j++) if (source[j] === "\n") line++;
    i = to;
  };
  const regexAllowed = () => {
    const previous = tokens[tokens.length - 1];
    if (!previous) return true;
    if (previous.kind === "identifier") return BEFORE_EXPRESSION.has(previous.text);
    if (previous.kind === "punctuator") return ![")", "]", "}"].includes(previous.text);
    return false;
  };
  /** Scans template text from `i` (just after ` or a closing } of ${...}) to the closing ` or the next ${. */
  const templateText = () => {
    let j = i;
    while (j < source.length && source[j] !== "`" && !(source[j] === "$" && source[j + 1] === "{")) j += source[j] === "\\" ? 2 : 1;
    if (source[j] === "`") {
      advance(j + 1);
    } else {
      advance(j + 2);
      braces.push(true);
    }
  };

  while (i < source.length) {
    const c = source[i];
    const rest = source.slice(i, i + 3);
    if (/\s/.test(c)) {
      advance(i + 1);
    } else if (rest.startsWith("//")) {
      const end = source.indexOf("\n", i);
      advance(end < 0 ? source.length : end);
    } else if (rest.startsWith("/*")) {
      const end = source.indexOf("*/", i + 2);
      advance(end < 0 ? source.length : end + 2);
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== "\n") j += source[j] === "\\" ? 2 : 1;
      push("string", source.slice(i + 1, j));
      advance(j + 1);
    } else if (c === "`") {
      push("string", "`");
      advance(i + 1);
      templateText();
    } else if (c === "}" && braces.length > 0 && braces[braces.length - 1]) {
      braces.pop();
      advance(i + 1);
      templateText();
    } else if (c === "/" && regexAllowed()) {
      const start = line;
      let j = i + 1;
      let inClass = false;
      while (j < source.length && source[j] !== "\n" && (inClass || source[j] !== "/")) {
        if (source[j] === "\\") j++;
        else if (source[j] === "[") inClass = true;
        else if (source[j] === "]") inClass = false;
        j++;
      }
      j++;
      while (j < source.length && /[a-z]/i.test(source[j])) j++;
      push("regex", source.slice(i, j), start);
      advance(j);
    } else if (/[A-Za-z_$]/.test(c)) {
      const match = /^[A-Za-z_$][\w$]*/.exec(source.slice(i))!;
      push("identifier", match[0]);
      advance(i + match[0].length);
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(source[i + 1] ?? ""))) {
      const match = /^\.?[0-9][\w.]*/.exec(source.slice(i))!;
      push("number", match[0]);
      advance(i + match[0].length);
    } else {
      const text = PUNCTUATORS.find((p) => source.startsWith(p, i)) ?? c;
      if (text === "{") braces.push(false);
      else if (text === "}") braces.pop();
      push("punctuator", text);
      advance(i + text.length);
    }
  }
  return tokens;
}

/** Returns the names that the file declares with const, let, var, function or class. */
function declaredNames(tokens: Token[]): Set<string> {
  const names = new Set<string>();
  tokens.forEach((token, k) => {
    const next = tokens[k + 1];
    if (token.kind === "identifier" && ["const", "let", "var", "function", "class"].includes(token.text) && next?.kind === "identifier") {
      names.add(next.text);
    }
  });
  return names;
}

/** Lists the runtime-specific imports and global references in a source file, in source order. */
export function findPlatformReferences(source: string): Finding[] {
  const tokens = tokenize(source);
  const declared = declaredNames(tokens);
  const findings: Finding[] = [];

  tokens.forEach((token, k) => {
    const previous = tokens[k - 1];
    const next = tokens[k + 1];
    if (token.kind === "string") {
      const isSpecifier =
        previous?.text === "from" ||
        (previous?.text === "import" && previous.kind === "identifier") ||
        (previous?.text === "(" && tokens[k - 2]?.text === "import");
      if (!isSpecifier) return;
      if (token.text.startsWith("node:")) findings.push({ line: token.line, rule: "node: import", text: token.text });
      else if (NODE_BUILTINS.has(token.text)) findings.push({ line: token.line, rule: "Node built-in import", text: token.text });
      return;
    }
    if (token.kind !== "identifier") return;
    const global = RUNTIME_GLOBALS.get(token.text);
    if (!global) return;
    const isMember = previous?.text === "." || previous?.text === "?.";
    const onGlobalObject = isMember && GLOBAL_OBJECTS.has(tokens[k - 2]?.text ?? "");
    if (isMember && !onGlobalObject) return;
    if (!onGlobalObject && declared.has(token.text)) return;
    // A property name or a typed parameter: `{ window: 1 }`, `(process?: Info)`.
    if (next?.text === ":" || (next?.text === "?" && tokens[k + 2]?.text === ":")) return;
    if (global.next && !global.next.includes(next?.text ?? "")) return;
    findings.push({ line: token.line, rule: global.rule, text: onGlobalObject ? `${tokens[k - 2].text}.${token.text}` : token.text });
  });
  return findings;
}
