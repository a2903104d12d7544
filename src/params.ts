/**
 * Parameter limits declared once as data; every validation message is
 * generated from the table, naming the estimator, the parameter, the
 * accepted range and the value.
 */

/** Limits of one numeric parameter. */
export interface ParamSpec {
  /** Whole numbers only. */
  integer?: boolean;
  min?: number;
  max?: number;
  /** Whether `min` itself is rejected. */
  minExclusive?: boolean;
  /** Whether null (meaning "no limit") is accepted. */
  nullable?: boolean;
  default: number | null;
  description: string;
}

export type ParamTable = Record<string, ParamSpec>;

function describeRange(spec: ParamSpec): string {
  const kind = spec.integer ? "an integer" : "a number";
  const low = spec.min === undefined ? "" : `${spec.minExclusive ? ">" : ">="} ${spec.min}`;
  const high = spec.max === undefined ? "" : `<= ${spec.max}`;
  const bounds = [low, high].filter((s) => s !== "").join(" and ");
  const nullable = spec.nullable ? " or null" : "";
  return bounds === "" ? `${kind}${nullable}` : `${kind} ${bounds}${nullable}`;
}

/**
 * Returns `options` with defaults filled in, after checking every value
 * against `table`. Unknown option names are rejected too.
 */
export function resolveParams<T extends Record<string, number | null>>(
  estimator: string,
  table: ParamTable,
  options: Partial<Record<string, unknown>> = {},
): T {
  const resolved: Record<string, number | null> = {};
  for (const name of Object.keys(options)) {
    if (!(name in table) && options[name] !== undefined) {
      throw new TypeError(
        `model: ${estimator} has no option "${name}"; known options are ${Object.keys(table).join(", ")}`,
      );
    }
  }
  for (const [name, spec] of Object.entries(table)) {
    const value = options[name] === undefined ? spec.default : options[name];
    if (value === null) {
      if (!spec.nullable && spec.default !== null) {
        throw new RangeError(`model: ${estimator} option ${name} must be ${describeRange(spec)}, got null; omit it to use the default ${spec.default}`);
      }
      resolved[name] = null;
      continue;
    }
    const ok =
      typeof value === "number" &&
      Number.isFinite(value) &&
      (!spec.integer || Number.isInteger(value)) &&
      (spec.min === undefined || (spec.minExclusive ? value > spec.min : value >= spec.min)) &&
      (spec.max === undefined || value <= spec.max);
    if (!ok) {
      throw new RangeError(
        `model: ${estimator} option ${name} must be ${describeRange(spec)}, got ${typeof value === "number" ? String(value) : JSON.stringify(value)}; ` +
          `omit it to use the default ${spec.default}`,
      );
    }
    resolved[name] = value as number;
  }
  return resolved as T;
}
