/**
 * Recipes: which files form the training and the testing side, which
 * classes to keep, how raw labels become classes, and how to split. A recipe
 * is JSON; file patterns are relative to the recipe file (or to `--data` for
 * the built-in study recipes) and may use `*` and `?` in the file name.
 */
import type { ConflictPolicy } from "./dedupe.ts";
import type { NonFinitePolicy } from "./clean.ts";

/** A recipe as written in JSON. */
export interface Recipe {
  name?: string;
  description?: string;
  /** File patterns of the training side. */
  train: string[];
  /** File patterns of the testing side; empty when `split` is given. */
  test?: string[];
  /** Fraction of the training side's rows (stratified by class) held out for testing, in (0, 1). */
  split?: number;
  /** Classes to keep, in report order; rows of other classes are counted and left out. */
  classes: string[];
  /** "study", "identity" or an object mapping raw labels to class names. */
  labels?: "study" | "identity" | Record<string, string>;
  /** Seed of the split and of the models; default 0. */
  seed?: number;
  /** Policy for rows with NaN or infinite features; default "drop". */
  nonFinite?: NonFinitePolicy;
  /** Policy for rows with equal features but different classes; default "keep". */
  conflicts?: ConflictPolicy;
  /** Absolute Pearson r above which a later feature is dropped; default 0.97. */
  correlationThreshold?: number;
}

/** A recipe with defaults filled in and file patterns resolved to paths. */
export interface ResolvedRecipe {
  name: string;
  description: string;
  trainFiles: string[];
  testFiles: string[];
  split: number | null;
  classes: string[];
  labels: "study" | "identity" | Record<string, string>;
  seed: number;
  nonFinite: NonFinitePolicy;
  conflicts: ConflictPolicy;
  correlationThreshold: number;
}

/** Folder access that recipe resolution needs from the runtime: listing a folder and joining paths. */
export interface RecipeFileSystem {
  /** Returns the names of the entries of `dir`, or null when it does not exist. */
  list(dir: string): Promise<string[] | null>;
  join(...parts: string[]): string;
  dirname(path: string): string;
}

const KNOWN_KEYS = new Set([
  "name", "description", "train", "test", "split", "classes", "labels", "seed", "nonFinite", "conflicts",
  "correlationThreshold",
]);

/** Study classes of each of the study's datasets, in the order its tables use. */
const DS1_CLASSES = ["Benign", "Syn", "UDP", "MSSQL", "LDAP", "NetBIOS"];
const DS2_CLASSES = ["Benign", "UDP", "MSSQL", "LDAP", "NetBIOS"];
const DS3_CLASSES = ["Benign", "MSSQL", "LDAP", "NetBIOS"];

/** Attack files of each study dataset: [attack name in 03-11, name in 01-12]. */
const STUDY_FILES: Record<string, { train: string[]; test: string[] }> = {
  "study-ds1": { train: ["Syn", "UDP", "MSSQL", "LDAP", "NetBIOS"], test: [] },
  "study-ds2": { train: ["UDP", "MSSQL", "LDAP", "NetBIOS"], test: ["UDP", "MSSQL", "LDAP", "NetBIOS"] },
  "study-ds3": { train: ["MSSQL", "LDAP", "NetBIOS"], test: ["MSSQL", "LDAP", "NetBIOS"] },
};

/** Names of the built-in recipes. */
export const BUILT_IN_RECIPES = ["sample", "study-ds1", "study-ds2", "study-ds3"] as const;

/** Returns the built-in recipe `name` (the study's three datasets or the shipped sample). */
export function builtInRecipe(name: string): Recipe {
  switch (name) {
    case "sample":
      return {
        name: "sample",
        description:
          "Real CIC-DDoS2019 flows shipped with flowguard (heads of the 01-12 files): Benign, Syn, UDP, MSSQL, " +
          "LDAP and NetBIOS rows, split 80/20 like the study's first dataset",
        train: ["01-12/*.csv.gz"],
        split: 0.2,
        classes: DS1_CLASSES,
        labels: "study",
      };
    case "study-ds1":
      return {
        name,
        description: "Study dataset 1: Day 1 (03-11) benign, Syn, UDP, MSSQL, LDAP, NetBIOS; 80% training, 20% testing",
        train: [],
        split: 0.2,
        classes: DS1_CLASSES,
        labels: "study",
      };
    case "study-ds2":
      return {
        name,
        description: "Study dataset 2: training on Day 1 (03-11) floods, testing on Day 2 (01-12) reflection attacks",
        train: [],
        test: [],
        classes: DS2_CLASSES,
        labels: "study",
      };
    case "study-ds3":
      return {
        name,
        description: "Study dataset 3: dataset 2 without UDP (reflection attacks at layer 7 only)",
        train: [],
        test: [],
        classes: DS3_CLASSES,
        labels: "study",
      };
    default:
      throw new RangeError(
        `recipe: unknown built-in recipe "${name}"; built-in recipes are ${BUILT_IN_RECIPES.join(", ")}, or give a path to a recipe JSON file`,
      );
  }
}

/** Checks a parsed recipe object and returns it typed; `where` names the file in messages. */
export function validateRecipe(value: unknown, where: string): Recipe {
  const fail = (message: string): never => {
    throw new TypeError(`recipe: ${message} (in ${where})`);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail("expected a JSON object");
  const recipe = value as Record<string, unknown>;
  for (const key of Object.keys(recipe)) {
    if (!KNOWN_KEYS.has(key)) fail(`unknown key "${key}" (known keys: ${[...KNOWN_KEYS].join(", ")})`);
  }
  const isStringList = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === "string");
  if (!isStringList(recipe.train) || (recipe.train as string[]).length === 0) {
    fail(`"train" must be a non-empty list of file patterns, got ${JSON.stringify(recipe.train)}`);
  }
  if (recipe.test !== undefined && !isStringList(recipe.test)) {
    fail(`"test" must be a list of file patterns, got ${JSON.stringify(recipe.test)}`);
  }
  const hasTest = Array.isArray(recipe.test) && recipe.test.length > 0;
  if (recipe.split !== undefined) {
    if (typeof recipe.split !== "number" || !(recipe.split > 0 && recipe.split < 1)) {
      fail(`"split" must be a number between 0 and 1 (exclusive), got ${JSON.stringify(recipe.split)}`);
    }
    if (hasTest) fail(`give either "test" files or a "split" fraction, not both`);
  } else if (!hasTest) {
    fail(`give either "test" files or a "split" fraction such as 0.2`);
  }
  if (!isStringList(recipe.classes) || (recipe.classes as string[]).length < 2) {
    fail(`"classes" must list at least two class names, got ${JSON.stringify(recipe.classes)}`);
  }
  const classes = recipe.classes as string[];
  if (new Set(classes).size !== classes.length) fail(`"classes" lists a class twice: ${JSON.stringify(classes)}`);
  const labels = recipe.labels;
  if (labels !== undefined && labels !== "study" && labels !== "identity") {
    const isMap =
      typeof labels === "object" && labels !== null && !Array.isArray(labels) &&
      Object.values(labels).every((v) => typeof v === "string");
    if (!isMap) fail(`"labels" must be "study", "identity" or an object of raw label to class name, got ${JSON.stringify(labels)}`);
  }
  if (recipe.seed !== undefined && !(Number.isInteger(recipe.seed) && (recipe.seed as number) >= 0 && (recipe.seed as number) <= 0xffffffff)) {
    fail(`"seed" must be an integer from 0 to 4294967295, got ${JSON.stringify(recipe.seed)}`);
  }
  if (recipe.nonFinite !== undefined && recipe.nonFinite !== "drop" && recipe.nonFinite !== "impute") {
    fail(`"nonFinite" must be "drop" or "impute", got ${JSON.stringify(recipe.nonFinite)}`);
  }
  if (recipe.conflicts !== undefined && recipe.conflicts !== "keep" && recipe.conflicts !== "drop") {
    fail(`"conflicts" must be "keep" or "drop", got ${JSON.stringify(recipe.conflicts)}`);
  }
  const threshold = recipe.correlationThreshold;
  if (threshold !== undefined && !(typeof threshold === "number" && threshold > 0 && threshold <= 1)) {
    fail(`"correlationThreshold" must be a number in (0, 1], got ${JSON.stringify(threshold)}`);
  }
  return recipe as unknown as Recipe;
}

/** Returns whether `name` matches a pattern with `*` (any run of characters) and `?` (one character). */
export function matchesPattern(pattern: string, name: string): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`).test(name);
}

/**
 * Expands file patterns relative to `base`; wildcards are allowed in the
 * last path segment. Returns the matched paths (sorted per pattern) and
 * the patterns that matched nothing.
 */
export async function expandPatterns(
  fs: RecipeFileSystem,
  base: string,
  patterns: string[],
): Promise<{ files: string[]; unmatched: string[] }> {
  const files: string[] = [];
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    const full = pattern.startsWith("/") ? pattern : fs.join(base, pattern);
    const dir = fs.dirname(full);
    const leaf = full.slice(dir.length + 1);
    const entries = await fs.list(dir);
    const matched = (entries ?? []).filter((name) => matchesPattern(leaf, name)).sort();
    if (matched.length === 0) unmatched.push(full);
    for (const name of matched) files.push(fs.join(dir, name));
  }
  return { files, unmatched };
}

function withDefaults(recipe: Recipe, trainFiles: string[], testFiles: string[]): ResolvedRecipe {
  return {
    name: recipe.name ?? "recipe",
    description: recipe.description ?? "",
    trainFiles,
    testFiles,
    split: recipe.split ?? null,
    classes: recipe.classes,
    labels: recipe.labels ?? "study",
    seed: recipe.seed ?? 0,
    nonFinite: recipe.nonFinite ?? "drop",
    conflicts: recipe.conflicts ?? "keep",
    correlationThreshold: recipe.correlationThreshold ?? 0.97,
  };
}

/**
 * Resolves a recipe: patterns are relative to `base` (the recipe file's
 * folder, or the data folder given for it); nothing may be missing.
 */
export async function resolveRecipe(fs: RecipeFileSystem, recipe: Recipe, base: string): Promise<ResolvedRecipe> {
  if ((await fs.list(base)) === null) {
    throw new RangeError(`recipe: the data folder ${base} does not exist or is not a folder; check the path given with --data`);
  }
  const train = await expandPatterns(fs, base, recipe.train);
  const test = await expandPatterns(fs, base, recipe.test ?? []);
  const unmatched = [...train.unmatched, ...test.unmatched];
  if (unmatched.length > 0) {
    throw new RangeError(
      `recipe: no file matches ${unmatched.map((p) => `"${p}"`).join(", ")} (recipe "${recipe.name ?? base}", paths relative to ${base}); ` +
        `check the recipe's file patterns, or pass the folder they are relative to with --data`,
    );
  }
  return withDefaults(recipe, train.files, test.files);
}

/**
 * Resolves a built-in study recipe under `dataDir`, which holds either the
 * CSV folders of the full dataset (`03-11/<Attack>.csv`, `01-12/DrDoS_<Attack>.csv`,
 * plain or .gz) or the parquet release (`<Attack>-training.parquet` for
 * 03-11, `<Attack>-testing.parquet` for 01-12). Every missing file is
 * listed in one error with the places it was looked for.
 */
export async function resolveStudyRecipe(fs: RecipeFileSystem, name: string, dataDir: string): Promise<ResolvedRecipe> {
  const recipe = builtInRecipe(name);
  if (name === "sample") return resolveRecipe(fs, recipe, dataDir);
  const layout = STUDY_FILES[name];
  if ((await fs.list(dataDir)) === null) {
    throw new RangeError(
      `recipe: ${name} reads its files under --data ${dataDir}, which does not exist or is not a folder; ` +
        `pass the folder holding the CIC-DDoS2019 CSV folders 03-11/ and 01-12/ or the parquet release`,
    );
  }
  const day1 = (await fs.list(fs.join(dataDir, "03-11"))) ?? [];
  const day2 = (await fs.list(fs.join(dataDir, "01-12"))) ?? [];
  const top = (await fs.list(dataDir)) ?? [];
  const useCsv = day1.length > 0 || day2.length > 0 || !top.some((f) => f.endsWith(".parquet"));
  const missing: string[] = [];

  // Exact names first; then names that differ only in case, since copies of the
  // dataset circulate as DrDOS_*.csv as well as CIC's DrDoS_*.csv.
  const find = (dir: string, entries: string[], candidates: string[]): string | null => {
    for (const candidate of candidates) if (entries.includes(candidate)) return fs.join(dir, candidate);
    for (const candidate of candidates) {
      const folded = entries.find((entry) => entry.toLowerCase() === candidate.toLowerCase());
      if (folded !== undefined) return fs.join(dir, folded);
    }
    missing.push(`${candidates.join(" or ")} in ${dir}`);
    return null;
  };
  const csvNames = (stem: string) => [`${stem}.csv`, `${stem}.csv.gz`];

  let trainFiles: (string | null)[];
  let testFiles: (string | null)[];
  if (useCsv) {
    trainFiles = layout.train.map((a) => find(fs.join(dataDir, "03-11"), day1, csvNames(a)));
    testFiles = layout.test.map((a) => find(fs.join(dataDir, "01-12"), day2, csvNames(`DrDoS_${a}`)));
  } else {
    trainFiles = layout.train.map((a) => find(dataDir, top, [`${a}-training.parquet`]));
    testFiles = layout.test.map((a) => find(dataDir, top, [`${a}-testing.parquet`]));
  }
  if (missing.length > 0) {
    const kind = useCsv ? "CSV folders 03-11/ and 01-12/" : "parquet release";
    throw new RangeError(
      `recipe: ${name} needs ${missing.length} file(s) that are missing under --data ${dataDir} (read as the ${kind}):\n` +
        missing.map((m) => `  - ${m}`).join("\n") +
        `\nDownload CIC-DDoS2019 (CSV folders 03-11 and 01-12, or the cleaned parquet release) and pass its folder with --data`,
    );
  }
  return withDefaults(recipe, trainFiles as string[], testFiles as string[]);
}
