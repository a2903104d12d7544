// `expect` of the test harness: the subset of vitest 4's matchers that the
// test files use, with the same pass rules and `.not`, `.rejects` and
// `.resolves`. A failed check throws an AssertionError whose message names
// the matcher and shows the expected and the received value.
import { findDifference, formatValue, type EqualityMode } from "./equality.ts";

/** A failed check; `expected` and `actual` are the compared values. */
export class AssertionError extends Error {
  override name = "AssertionError";

  constructor(
    message: string,
    readonly expected?: unknown,
    readonly actual?: unknown,
  ) {
    super(message);
  }
}

/** Constructor of an error class, as `toThrow(SyntaxError)` receives it. */
// deno-lint-ignore no-explicit-any
type ErrorClass = abstract new (...args: any[]) => unknown;
type ThrowExpectation = string | RegExp | ErrorClass | Error;

/** Where the value under test comes from: directly, or from a promise that must reject or resolve. */
type Source = "value" | "rejects" | "resolves";

/** Returns the matchers for `actual`; `label` prefixes every failure message, as vitest's second argument does. */
export function expect<T>(actual: T, label?: string): Assertion {
  return new Assertion(actual, label, false, "value");
}

class Assertion {
  constructor(
    private readonly actual: unknown,
    private readonly label: string | undefined,
    private readonly negated: boolean,
    private readonly source: Source,
  ) {}

  /** The same matchers with every pass rule inverted. */
  get not(): Assertion {
    return new Assertion(this.actual, this.label, !this.negated, this.source);
  }

  /** Matchers applied to the rejection reason of a promise; each returns a promise. */
  get rejects(): AsyncAssertion {
    return this.settled("rejects", this.negated);
  }

  /** Matchers applied to the value a promise resolves to; each returns a promise. */
  get resolves(): AsyncAssertion {
    return this.settled("resolves", this.negated);
  }

  private settled(source: "rejects" | "resolves", negated: boolean): AsyncAssertion {
    const outcome = Promise.resolve(this.actual).then(
      (value) => ({ fulfilled: true, value }),
      (reason: unknown) => ({ fulfilled: false, value: reason }),
    );
    return new Proxy({} as AsyncAssertion, {
      get: (_, matcher: string | symbol) => {
        if (matcher === "not") return this.settled(source, !negated);
        if (matcher === "then") return undefined;
        return async (...args: unknown[]) => {
          const { fulfilled, value } = await outcome;
          if (source === "rejects" && fulfilled) {
            this.fail(`expected the promise to reject, but it resolved to ${formatValue(value)}`);
          }
          if (source === "resolves" && !fulfilled) {
            this.fail(`expected the promise to resolve, but it rejected with ${formatValue(value)}`);
          }
          const inner = new Assertion(value, this.label, negated, source) as unknown as Record<string | symbol, unknown>;
          const check = inner[matcher];
          if (typeof check !== "function") throw new TypeError(`expect: no matcher "${String(matcher)}" after .${source}`);
          check.apply(inner, args);
        };
      },
    });
  }

  private fail(message: string, expected?: unknown, actual?: unknown): never {
    throw new AssertionError(this.label === undefined ? message : `${this.label}: ${message}`, expected, actual);
  }

  /** Throws unless `pass` (or, under `.not`, unless not `pass`); `detail` explains the failure below the headline. */
  private check(pass: boolean, matcher: string, detail: string, expected?: unknown): void {
    if (pass !== this.negated) return;
    const headline = `expect(received)${this.negated ? ".not" : ""}.${matcher}`;
    this.fail(`${headline}\n${detail}`, expected, this.actual);
  }

  private compared(expected: unknown): string {
    return `Expected: ${this.negated ? "not " : ""}${formatValue(expected)}\nReceived: ${formatValue(this.actual)}`;
  }

  toBe(expected: unknown): void {
    const pass = Object.is(this.actual, expected);
    const hint = !pass && findDifference(this.actual, expected) === undefined ? "\n(the values are deeply equal: use toEqual)" : "";
    this.check(pass, "toBe(expected) with Object.is", this.compared(expected) + hint, expected);
  }

  toEqual(expected: unknown): void {
    this.checkDeep(expected, "equal", "toEqual(expected)");
  }

  toMatchObject(expected: object): void {
    this.checkDeep(expected, "subset", "toMatchObject(expected)");
  }

  private checkDeep(expected: unknown, mode: EqualityMode, matcher: string): void {
    const difference = findDifference(this.actual, expected, mode);
    let detail = this.compared(expected);
    if (difference && difference.path !== "") {
      detail += `\nFirst difference at ${difference.path}: expected ${formatValue(difference.expected)}, received ${formatValue(difference.actual)}`;
    }
    this.check(difference === undefined, matcher, detail, expected);
  }

  toBeNull(): void {
    this.check(this.actual === null, "toBeNull()", this.compared(null));
  }

  toBeDefined(): void {
    this.check(this.actual !== undefined, "toBeDefined()", `Received: ${formatValue(this.actual)}`);
  }

  toBeUndefined(): void {
    this.check(this.actual === undefined, "toBeUndefined()", `Received: ${formatValue(this.actual)}`);
  }

  toBeTruthy(): void {
    this.check(Boolean(this.actual), "toBeTruthy()", `Received: ${formatValue(this.actual)}`);
  }

  toBeFalsy(): void {
    this.check(!this.actual, "toBeFalsy()", `Received: ${formatValue(this.actual)}`);
  }

  toBeNaN(): void {
    this.check(Number.isNaN(this.actual), "toBeNaN()", `Received: ${formatValue(this.actual)}`);
  }

  toBeInstanceOf(expected: ErrorClass): void {
    const received = typeof this.actual === "object" && this.actual !== null ? this.actual.constructor?.name : typeof this.actual;
    const detail = `Expected: ${this.negated ? "not " : ""}an instance of ${expected.name}\nReceived: ${formatValue(this.actual)} (${received})`;
    this.check(this.actual instanceof expected, "toBeInstanceOf(expected)", detail);
  }

  toBeGreaterThan(expected: number | bigint): void {
    this.compareOrder(expected, ">", (a, e) => a > e);
  }

  toBeGreaterThanOrEqual(expected: number | bigint): void {
    this.compareOrder(expected, ">=", (a, e) => a >= e);
  }

  toBeLessThan(expected: number | bigint): void {
    this.compareOrder(expected, "<", (a, e) => a < e);
  }

  toBeLessThanOrEqual(expected: number | bigint): void {
    this.compareOrder(expected, "<=", (a, e) => a <= e);
  }

  private compareOrder(expected: number | bigint, operator: string, holds: (a: number | bigint, e: number | bigint) => boolean): void {
    const actual = this.actual;
    if (typeof actual !== "number" && typeof actual !== "bigint") {
      throw new TypeError(`expect: ${formatValue(actual)} is not a number or bigint, so it cannot be compared with ${operator}`);
    }
    this.check(holds(actual, expected), `toBe ${operator} expected`, `Expected: ${this.negated ? "not " : ""}${operator} ${formatValue(expected)}\nReceived: ${formatValue(actual)}`);
  }

  /** Passes when |expected − received| < 10^−digits / 2, as in vitest; equal infinities pass. */
  toBeCloseTo(expected: number, digits = 2): void {
    const actual = this.actual;
    if (typeof actual !== "number") throw new TypeError(`expect: toBeCloseTo needs a number, received ${formatValue(actual)}`);
    const tolerance = 10 ** -digits / 2;
    const pass = (actual === Infinity && expected === Infinity) || (actual === -Infinity && expected === -Infinity) || Math.abs(expected - actual) < tolerance;
    const detail = `${this.compared(expected)}\nDifference: ${Math.abs(expected - actual)}, allowed below ${tolerance} (${digits} digits)`;
    this.check(pass, "toBeCloseTo(expected, digits)", detail, expected);
  }

  toHaveLength(expected: number): void {
    const length = (this.actual as { length?: unknown } | null | undefined)?.length;
    if (typeof length !== "number") throw new TypeError(`expect: ${formatValue(this.actual)} has no numeric length`);
    this.check(length === expected, "toHaveLength(expected)", `Expected length: ${this.negated ? "not " : ""}${expected}\nReceived length: ${length}\nReceived: ${formatValue(this.actual)}`);
  }

  /** Substring of a string, or an item (compared with ===) of an array, typed array or other iterable. */
  toContain(expected: unknown): void {
    const actual = this.actual;
    let pass: boolean;
    if (typeof actual === "string") {
      if (typeof expected !== "string") throw new TypeError(`expect: toContain on a string needs a string, received ${formatValue(expected)}`);
      pass = actual.includes(expected);
    } else if (actual !== null && typeof actual === "object" && Symbol.iterator in actual) {
      pass = Array.from(actual as Iterable<unknown>).some((item) => item === expected);
    } else {
      throw new TypeError(`expect: toContain needs a string or an iterable, received ${formatValue(actual)}`);
    }
    this.check(pass, "toContain(expected)", this.compared(expected), expected);
  }

  toMatch(expected: string | RegExp): void {
    const actual = this.actual;
    if (typeof actual !== "string") throw new TypeError(`expect: toMatch needs a string, received ${formatValue(actual)}`);
    const pass = typeof expected === "string" ? actual.includes(expected) : new RegExp(expected.source, expected.flags.replace("g", "")).test(actual);
    this.check(pass, "toMatch(expected)", this.compared(expected), expected);
  }

  /**
   * Checks the error that the received function throws, or under `.rejects`
   * the rejection reason. A string must occur in its message, and a RegExp
   * must match the message. A class must be its class or a base class, and
   * an Error must have the same message.
   */
  toThrow(expected?: ThrowExpectation): void {
    let threw = false;
    let thrown: unknown;
    if (this.source === "rejects") {
      threw = true;
      thrown = this.actual;
    } else {
      if (typeof this.actual !== "function") throw new TypeError(`expect: toThrow needs a function, received ${formatValue(this.actual)}`);
      try {
        (this.actual as () => unknown)();
      } catch (error) {
        threw = true;
        thrown = error;
      }
    }
    const message = typeof thrown === "object" && thrown !== null && "message" in thrown ? String(thrown.message) : String(thrown);
    let pass = threw;
    let expectation = "any error";
    if (threw && typeof expected === "string") {
      pass = message.includes(expected);
      expectation = `an error whose message contains ${formatValue(expected)}`;
    } else if (threw && expected instanceof RegExp) {
      pass = new RegExp(expected.source, expected.flags.replace("g", "")).test(message);
      expectation = `an error whose message matches ${expected}`;
    } else if (threw && expected instanceof Error) {
      pass = message === expected.message;
      expectation = `an error with the message ${formatValue(expected.message)}`;
    } else if (threw && typeof expected === "function") {
      pass = thrown instanceof expected;
      expectation = `an instance of ${expected.name}`;
    }
    const received = threw ? `Received: ${formatValue(thrown)}` : "Received: no error was thrown";
    this.check(pass, "toThrow(expected)", `Expected: ${this.negated ? "not " : ""}${expectation}\n${received}`);
  }
}

type Matchers = Omit<Assertion, "not" | "rejects" | "resolves">;

/** The matchers of an assertion, each returning a promise, after `.rejects` or `.resolves`. */
export type AsyncAssertion = { [K in keyof Matchers]: (...args: Parameters<Matchers[K]>) => Promise<void> } & { readonly not: AsyncAssertion };
