import { describe, expect, it } from "vitest";
import {
  builtInRecipe,
  expandPatterns,
  matchesPattern,
  resolveRecipe,
  resolveStudyRecipe,
  validateRecipe,
  type RecipeFileSystem,
} from "../src/recipe.ts";

/** Returns an in-memory folder tree that maps each folder path to its entry names. */
function fakeFileSystem(folders: Record<string, string[]>): RecipeFileSystem {
  return {
    list: async (dir) => folders[dir] ?? null,
    join: (...parts) => parts.join("/").replace(/\/+/g, "/"),
    dirname: (path) => path.slice(0, path.lastIndexOf("/")) || "/",
  };
}

describe("validateRecipe", () => {
  const good = { train: ["a.csv"], split: 0.2, classes: ["Benign", "Syn"] };

  it("accepts the documented example", () => {
    const recipe = { train: ["data/01-12/*.csv"], test: [], split: 0.2, classes: ["Benign", "Syn", "UDP", "MSSQL", "LDAP", "NetBIOS"], labels: "study" };
    expect(validateRecipe(recipe, "r.json")).toEqual(recipe);
  });

  const bad: [string, unknown, RegExp][] = [
    ["not an object", [1], /expected a JSON object \(in r\.json\)/],
    ["unknown key", { ...good, folds: 3 }, /unknown key "folds"/],
    ["empty train", { ...good, train: [] }, /"train" must be a non-empty list/],
    ["split 1", { ...good, split: 1 }, /"split" must be a number between 0 and 1/],
    ["split and test", { ...good, test: ["b.csv"] }, /either "test" files or a "split" fraction, not both/],
    ["neither split nor test", { train: ["a.csv"], classes: ["A", "B"] }, /give either "test" files or a "split"/],
    ["one class", { ...good, classes: ["Benign"] }, /at least two class names/],
    ["repeated class", { ...good, classes: ["A", "A"] }, /lists a class twice/],
    ["bad labels", { ...good, labels: 3 }, /"labels" must be "study", "identity" or an object/],
    ["bad seed", { ...good, seed: 1.5 }, /"seed" must be an integer/],
    ["bad nonFinite", { ...good, nonFinite: "zero" }, /"nonFinite" must be "drop" or "impute"/],
    ["bad conflicts", { ...good, conflicts: "first" }, /"conflicts" must be "keep" or "drop"/],
    ["bad threshold", { ...good, correlationThreshold: 0 }, /"correlationThreshold" must be a number in \(0, 1\]/],
  ];
  for (const [name, value, message] of bad) {
    it(`rejects ${name}`, () => {
      expect(() => validateRecipe(value, "r.json")).toThrow(message);
    });
  }
});

describe("matchesPattern", () => {
  const cases: [string, string, boolean][] = [
    ["*.csv", "Syn.csv", true],
    ["*.csv", "Syn.csv.gz", false],
    ["DrDoS_?DAP.csv", "DrDoS_LDAP.csv", true],
    ["a.b", "axb", false],
    ["Syn.csv", "Syn.csv", true],
  ];
  for (const [pattern, name, expected] of cases) {
    it(`${pattern} against ${name}`, () => {
      expect(matchesPattern(pattern, name)).toBe(expected);
    });
  }
});

describe("expandPatterns", () => {
  it("expands relative to the base and sorts", async () => {
    const fs = fakeFileSystem({ "/r/data": ["b.csv", "a.csv", "notes.txt"] });
    const { files, unmatched } = await expandPatterns(fs, "/r", ["data/*.csv", "data/none*.csv"]);
    expect(files).toEqual(["/r/data/a.csv", "/r/data/b.csv"]);
    expect(unmatched).toEqual(["/r/data/none*.csv"]);
  });

  it("fails listing each pattern that matched nothing", async () => {
    const fs = fakeFileSystem({ "/r": ["notes.txt"] });
    const recipe = { train: ["x/*.csv"], test: ["y.csv"], classes: ["A", "B"] };
    await expect(resolveRecipe(fs, recipe, "/r")).rejects.toThrow(/no file matches "\/r\/x\/\*\.csv", "\/r\/y\.csv"/);
  });
});

describe("resolveStudyRecipe", () => {
  it("finds the CSV folders, plain or gzip", async () => {
    const fs = fakeFileSystem({
      "/d": ["03-11", "01-12"],
      "/d/03-11": ["UDP.csv", "MSSQL.csv.gz", "LDAP.csv", "NetBIOS.csv", "Syn.csv"],
      "/d/01-12": ["DrDoS_UDP.csv", "DrDoS_MSSQL.csv", "DrDoS_LDAP.csv", "DrDoS_NetBIOS.csv"],
    });
    const recipe = await resolveStudyRecipe(fs, "study-ds2", "/d");
    expect(recipe.trainFiles).toEqual(["/d/03-11/UDP.csv", "/d/03-11/MSSQL.csv.gz", "/d/03-11/LDAP.csv", "/d/03-11/NetBIOS.csv"]);
    expect(recipe.testFiles).toEqual(["/d/01-12/DrDoS_UDP.csv", "/d/01-12/DrDoS_MSSQL.csv", "/d/01-12/DrDoS_LDAP.csv", "/d/01-12/DrDoS_NetBIOS.csv"]);
    expect(recipe.split).toBeNull();
    expect(recipe.classes).toEqual(["Benign", "UDP", "MSSQL", "LDAP", "NetBIOS"]);
  });

  it("finds the parquet release", async () => {
    const fs = fakeFileSystem({ "/p": ["MSSQL-training.parquet", "LDAP-training.parquet", "NetBIOS-training.parquet", "MSSQL-testing.parquet", "LDAP-testing.parquet", "NetBIOS-testing.parquet"] });
    const recipe = await resolveStudyRecipe(fs, "study-ds3", "/p");
    expect(recipe.trainFiles).toEqual(["/p/MSSQL-training.parquet", "/p/LDAP-training.parquet", "/p/NetBIOS-training.parquet"]);
    expect(recipe.testFiles).toEqual(["/p/MSSQL-testing.parquet", "/p/LDAP-testing.parquet", "/p/NetBIOS-testing.parquet"]);
  });

  it("lists every missing file in one error", async () => {
    const fs = fakeFileSystem({ "/d": ["03-11"], "/d/03-11": ["Syn.csv"] });
    const error = await resolveStudyRecipe(fs, "study-ds1", "/d").catch((e: Error) => e);
    expect(error).toBeInstanceOf(RangeError);
    const message = (error as Error).message;
    expect(message).toMatch(/study-ds1 needs 4 file\(s\) that are missing under --data \/d/);
    for (const name of ["UDP", "MSSQL", "LDAP", "NetBIOS"]) expect(message).toContain(`${name}.csv or ${name}.csv.gz in /d/03-11`);
    expect(message).not.toContain("Syn.csv or");
  });

  it("builds dataset 1 with a 20% split", () => {
    const recipe = builtInRecipe("study-ds1");
    expect(recipe.split).toBe(0.2);
    expect(recipe.classes).toEqual(["Benign", "Syn", "UDP", "MSSQL", "LDAP", "NetBIOS"]);
  });

  it("rejects an unknown built-in", () => {
    expect(() => builtInRecipe("study-ds4")).toThrow(/unknown built-in recipe "study-ds4"/);
  });
});

describe("resolveStudyRecipe names", () => {
  it("accepts file names that differ only in case", async () => {
    const fs = fakeFileSystem({
      "/d": ["03-11", "01-12"],
      "/d/03-11": ["UDP.csv", "MSSQL.csv", "LDAP.csv", "NetBIOS.csv"],
      "/d/01-12": ["DrDOS_UDP.csv.gz", "DrDOS_MSSQL.csv", "DrDOS_LDAP.csv", "DrDOS_NetBIOS.csv"],
    });
    const recipe = await resolveStudyRecipe(fs, "study-ds2", "/d");
    expect(recipe.testFiles[0]).toBe("/d/01-12/DrDOS_UDP.csv.gz");
  });

  it("names a data folder that does not exist", async () => {
    const fs = fakeFileSystem({});
    await expect(resolveStudyRecipe(fs, "study-ds1", "/nope")).rejects.toThrow(/--data \/nope, which does not exist or is not a folder/);
    await expect(resolveRecipe(fs, { train: ["a.csv"], split: 0.2, classes: ["A", "B"] }, "/nope")).rejects.toThrow(
      /the data folder \/nope does not exist/,
    );
  });
});
