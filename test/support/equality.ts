// Deep equality and value printing for the test harness (harness.ts), with
// the semantics of vitest 4's `toEqual` and `toMatchObject`: numbers compare
// with Object.is (NaN equals NaN, 0 differs from -0), object properties whose
// value is undefined are ignored, values of different built-in types (a
// Float32Array and an Array, say) differ, and class instances compare by
// their own enumerable properties.

/** Where two values first differ, as a property path from the compared roots. */
export interface Difference {
  path: string;
  actual: unknown;
  expected: unknown;
}

/** `toEqual` compares every property; `toMatchObject` only those of the expected value. */
export type EqualityMode = "equal" | "subset";

/** Returns the first difference between `actual` and `expected`, or undefined when they are equal. */
export function findDifference(actual: unknown, expected: unknown, mode: EqualityMode = "equal"): Difference | undefined {
  return compare(actual, expected, "", mode, new Map());
}

function tagOf(value: unknown): string {
  return Object.prototype.toString.call(value);
}

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === "object" && value !== null;
}

function definedKeys(value: Record<PropertyKey, unknown>): string[] {
  return Object.keys(value).filter((key) => value[key] !== undefined);
}

function compare(actual: unknown, expected: unknown, path: string, mode: EqualityMode, seen: Map<object, object>): Difference | undefined {
  const differ = (): Difference => ({ path, actual, expected });
  if (Object.is(actual, expected)) return undefined;
  if (!isObject(actual) || !isObject(expected)) return differ();
  if (seen.get(actual) === expected) return undefined;
  seen.set(actual, expected);

  const tag = tagOf(actual);
  if (tag !== tagOf(expected)) return differ();
  if (actual instanceof Error && expected instanceof Error) {
    return actual.name === expected.name && actual.message === expected.message ? undefined : differ();
  }
  if (actual instanceof Date && expected instanceof Date) return Object.is(actual.getTime(), expected.getTime()) ? undefined : differ();
  if (actual instanceof RegExp && expected instanceof RegExp) return String(actual) === String(expected) ? undefined : differ();
  if (actual instanceof Map && expected instanceof Map) return compareMaps(actual, expected, path, mode, seen);
  if (actual instanceof Set && expected instanceof Set) return compareSets(actual, expected, path, seen);
  if (ArrayBuffer.isView(actual) && ArrayBuffer.isView(expected)) {
    const a = viewItems(actual);
    const e = viewItems(expected);
    if (a.length !== e.length) return { path: `${path}.length`, actual: a.length, expected: e.length };
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], e[i])) return { path: `${path}[${i}]`, actual: a[i], expected: e[i] };
    return undefined;
  }
  if (actual instanceof ArrayBuffer && expected instanceof ArrayBuffer) {
    return compare(new Uint8Array(actual), new Uint8Array(expected), path, mode, seen);
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) return { path: `${path}.length`, actual: actual.length, expected: expected.length };
    for (let i = 0; i < actual.length; i++) {
      const difference = compare(actual[i], expected[i], `${path}[${i}]`, mode, seen);
      if (difference) return difference;
    }
    return undefined;
  }
  return compareProperties(actual, expected, path, mode, seen);
}

function viewItems(view: ArrayBufferView): ArrayLike<unknown> {
  if (view instanceof DataView) return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  return view as unknown as ArrayLike<unknown>;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function propertyPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function compareProperties(
  actual: Record<PropertyKey, unknown>,
  expected: Record<PropertyKey, unknown>,
  path: string,
  mode: EqualityMode,
  seen: Map<object, object>,
): Difference | undefined {
  const expectedKeys = definedKeys(expected);
  if (mode === "equal") {
    const actualKeys = new Set(definedKeys(actual));
    const extra = [...actualKeys].find((key) => !expectedKeys.includes(key));
    if (extra !== undefined) return { path: propertyPath(path, extra), actual: actual[extra], expected: undefined };
  }
  for (const key of expectedKeys) {
    if (!(key in actual)) return { path: propertyPath(path, key), actual: undefined, expected: expected[key] };
    const difference = compare(actual[key], expected[key], propertyPath(path, key), mode, seen);
    if (difference) return difference;
  }
  return undefined;
}

function compareMaps(
  actual: Map<unknown, unknown>,
  expected: Map<unknown, unknown>,
  path: string,
  mode: EqualityMode,
  seen: Map<object, object>,
): Difference | undefined {
  if (actual.size !== expected.size) return { path: `${path}.size`, actual: actual.size, expected: expected.size };
  for (const [key, value] of expected) {
    const entryPath = `${path}.get(${formatValue(key)})`;
    let actualKey: unknown = key;
    if (!actual.has(key)) {
      actualKey = [...actual.keys()].find((candidate) => findDifference(candidate, key) === undefined);
      if (actualKey === undefined) return { path: entryPath, actual: undefined, expected: value };
    }
    const difference = compare(actual.get(actualKey), value, entryPath, mode, seen);
    if (difference) return difference;
  }
  return undefined;
}

function compareSets(actual: Set<unknown>, expected: Set<unknown>, path: string, seen: Map<object, object>): Difference | undefined {
  if (actual.size !== expected.size) return { path: `${path}.size`, actual: actual.size, expected: expected.size };
  for (const value of expected) {
    if (actual.has(value)) continue;
    const found = [...actual].some((candidate) => compare(candidate, value, path, "equal", seen) === undefined);
    if (!found) return { path: `${path}.has(${formatValue(value)})`, actual: false, expected: true };
  }
  return undefined;
}

/** Items shown of an array, typed array, map or set before the rest is counted. */
const MAX_ITEMS = 30;
/** Nesting depth below which objects print as their type only. */
const MAX_DEPTH = 4;
/** Characters kept of a printed value. */
const MAX_LENGTH = 4000;

/** Prints a value for a failure message: strings quoted, -0 and NaN visible, long collections shortened. */
export function formatValue(value: unknown): string {
  const text = format(value, 0, new Set());
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}… (${text.length - MAX_LENGTH} more characters)` : text;
}

function formatNumber(value: number): string {
  return Object.is(value, -0) ? "-0" : String(value);
}

function formatItems(items: Iterable<unknown>, size: number, depth: number, seen: Set<object>, show: (item: unknown) => string = (item) => format(item, depth + 1, seen)): string {
  const shown: string[] = [];
  for (const item of items) {
    if (shown.length === MAX_ITEMS) break;
    shown.push(show(item));
  }
  if (size > MAX_ITEMS) shown.push(`… ${size - MAX_ITEMS} more`);
  return shown.join(", ");
}

function format(value: unknown, depth: number, seen: Set<object>): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return `[Function ${value.name || "anonymous"}]`;
  if (!isObject(value)) return String(value);
  if (seen.has(value)) return "[Circular]";
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value instanceof RegExp) return String(value);
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;

  const typeName = value.constructor?.name ?? "Object";
  if (depth >= MAX_DEPTH) return `[${typeName}]`;
  seen.add(value);
  try {
    if (Array.isArray(value)) return `[${formatItems(value, value.length, depth, seen)}]`;
    if (ArrayBuffer.isView(value)) {
      const items = viewItems(value);
      return `${typeName}(${items.length}) [${formatItems(Array.from(items), items.length, depth, seen)}]`;
    }
    if (value instanceof Map) {
      const show = (entry: unknown) => {
        const [key, item] = entry as [unknown, unknown];
        return `${format(key, depth + 1, seen)} => ${format(item, depth + 1, seen)}`;
      };
      return `Map(${value.size}) {${formatItems(value, value.size, depth, seen, show)}}`;
    }
    if (value instanceof Set) return `Set(${value.size}) {${formatItems(value, value.size, depth, seen)}}`;
    const keys = Object.keys(value);
    const show = (key: unknown) => {
      const name = key as string;
      return `${IDENTIFIER.test(name) ? name : JSON.stringify(name)}: ${format(value[name], depth + 1, seen)}`;
    };
    const body = formatItems(keys, keys.length, depth, seen, show);
    const prefix = typeName === "Object" ? "" : `${typeName} `;
    return `${prefix}{${body === "" ? "" : ` ${body} `}}`;
  } finally {
    seen.delete(value);
  }
}
