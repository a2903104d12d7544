import { describe, expect, it } from "vitest";
import { makeFolder } from "../src/cli.ts";

/** Returns an error shaped as node:fs raises it, with its code. */
function fsError(code: string, path: string): Error {
  return Object.assign(new Error(`${code}: mkdir '${path}'`), { code });
}

/** Returns what `promise` rejects with; fails when it settles without an error. */
async function rejection(promise: Promise<void>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("test: makeFolder resolved, expected a rejection");
}

function parentOf(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut <= 0 ? "/" : path.slice(0, cut);
}

/**
 * Returns a fake file system in which `folders` exist. A mkdir under a
 * folder of `noChildren` reports ENOENT, as Linux's /proc does, and one of
 * a `denied` folder reports EACCES. It records every mkdir call.
 */
function fakeFolders(folders: string[], noChildren: string[] = [], denied: string[] = []) {
  const existing = new Set(folders);
  const calls: string[] = [];
  const mkdirOne = async (path: string) => {
    calls.push(path);
    if (calls.length > 50) throw new Error("test: more than 50 mkdir calls, the walk does not end");
    if (existing.has(path)) throw fsError("EEXIST", path);
    if (denied.includes(path)) throw fsError("EACCES", path);
    const parent = parentOf(path);
    if (!existing.has(parent) || noChildren.includes(parent)) throw fsError("ENOENT", path);
    existing.add(path);
  };
  return { existing, calls, mkdirOne };
}

describe("makeFolder", () => {
  it("creates missing parents first", async () => {
    const fs = fakeFolders(["/", "/tmp"]);
    await makeFolder("/tmp/a/b/c", fs.mkdirOne, parentOf);
    expect(fs.existing.has("/tmp/a/b/c")).toBe(true);
    expect(fs.calls).toEqual(["/tmp/a/b/c", "/tmp/a/b", "/tmp/a", "/tmp/a/b", "/tmp/a/b/c"]);
  });

  it("accepts an existing folder", async () => {
    const fs = fakeFolders(["/", "/tmp", "/tmp/out"]);
    await makeFolder("/tmp/out", fs.mkdirOne, parentOf);
    expect(fs.calls).toEqual(["/tmp/out"]);
  });

  it("ends under a /proc-like folder", async () => {
    const fs = fakeFolders(["/", "/proc"], ["/proc"]);
    const error = await rejection(makeFolder("/proc/flowguard/out", fs.mkdirOne, parentOf));
    expect(error.code).toBe("ENOENT");
    expect(error.message).toBe("ENOENT: mkdir '/proc/flowguard'");
    expect(fs.calls).toEqual(["/proc/flowguard/out", "/proc/flowguard", "/proc", "/proc/flowguard"]);
  });

  it("raises other errors as they are", async () => {
    const fs = fakeFolders(["/", "/srv"], [], ["/srv/out"]);
    const error = await rejection(makeFolder("/srv/out", fs.mkdirOne, parentOf));
    expect(error.code).toBe("EACCES");
    expect(fs.calls).toEqual(["/srv/out"]);
  });
});
