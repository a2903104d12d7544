/**
 * Checks of Deno's permissions before a file operation, so that a missing
 * `--allow-read` or `--allow-write` ends the command with a usage error that
 * names the path and the flag, instead of a prompt or a bare NotCapable error.
 */
import { fileURLToPath } from "node:url";
import { UsageError } from "../../src/cli.ts";
import { Deno } from "./deno_api.ts";

/**
 * Throws UsageError unless the process may read `path`. `kind` names the
 * kind of file in the message. When `example` is given, its path replaces
 * `path` as the suggested --allow-read value, followed by its reason.
 */
export function requireRead(path: string | URL, kind = "file", example?: { path: string; why: string }): void {
  if (Deno.permissions.querySync({ name: "read", path }).state === "granted") return;
  const filePath = pathOf(path);
  const hint = example ? `--allow-read=${example.path} (${example.why})` : `--allow-read=${filePath}`;
  throw new UsageError(
    `could not read the ${kind} "${filePath}": Deno was started without read permission for it; ` +
      `add the path or a folder that contains it to --allow-read, for example ${hint}`,
  );
}

/**
 * Throws UsageError unless the process may write into the folder `dir`,
 * given with the option `flag`, and read it: `Deno.rename`, which moves the
 * finished temporary files into place, needs read permission for its source
 * as well as write permission.
 */
export function requireOutputFolder(dir: string, flag: string): void {
  const missing = (["write", "read"] as const).filter((name) => Deno.permissions.querySync({ name, path: dir }).state !== "granted");
  if (missing.length === 0) return;
  const flags = missing.map((name) => `--allow-${name}`);
  throw new UsageError(
    `could not write to ${flag} "${dir}": Deno was started without ${missing.join(" or ")} permission for that folder, ` +
      `and writing the files whole needs both because Deno.rename moves them into place; ` +
      `add the folder to ${flags.join(" and ")}, for example ${flags.map((f) => `${f}=${dir}`).join(" ")}`,
  );
}

/** Returns whether the process may read `path`, without prompting. */
export function mayRead(path: string | URL): boolean {
  return Deno.permissions.querySync({ name: "read", path }).state === "granted";
}

/** Returns whether the process may read the environment variable `name`, without prompting. */
export function mayReadEnv(name: string): boolean {
  return Deno.permissions.querySync({ name: "env", variable: name }).state === "granted";
}

function pathOf(path: string | URL): string {
  return typeof path === "string" ? path : fileURLToPath(path);
}
