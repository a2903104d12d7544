// The CSV reader's fast path in the WebAssembly core (src/csv_kernel.ts)
// against the TypeScript parser alone: every input read both ways gives the
// same table bit for bit, or the same error.
import { beforeAll, describe, expect, it } from "vitest";
import { readCsv, type CsvOptions } from "../src/csv.ts";
import { bytesSource, type ByteSource } from "../src/source.ts";
import type { FlowTable } from "../src/table.ts";
import type { Core } from "../src/wasm.ts";
import { fileSource, listDir, loadCore, readBytes } from "./support/platform.ts";
import { chunkedSource } from "./support/sources.ts";
import { expectSameTable } from "./support/tables.ts";

const encoder = new TextEncoder();

/** A CICFlowMeter-like header: an identifier, three features, the label. */
const HEADER = "Flow ID, Flow Duration, Fwd Packets, Flow Bytes/s, Label";

let core: Core;

beforeAll(async () => {
  core = await loadCore();
});

/** Reads `open()` without and with the core; returns each table, or its error message. */
async function readBoth(open: () => ByteSource, options: CsvOptions = {}): Promise<[FlowTable | string, FlowTable | string]> {
  const read = (withCore: boolean) =>
    readCsv(open(), withCore ? { ...options, core } : options).catch((error: Error) => `${error.name}: ${error.message}`);
  return [await read(false), await read(true)];
}

function expectSame(plain: FlowTable | string, fast: FlowTable | string): void {
  if (typeof plain === "string" || typeof fast === "string") {
    expect(fast).toEqual(plain);
    return;
  }
  expectSameTable(fast, plain);
}

/** Reads `text` both ways, whole and in chunks of several sizes. */
async function expectSameText(text: string, options: CsvOptions = {}): Promise<void> {
  const bytes = encoder.encode(text);
  for (const size of [0, 1, 5, 64, 4096]) {
    const open = () => (size === 0 ? bytesSource("inline.csv", bytes) : chunkedSource("inline.csv", bytes, size));
    const [plain, fast] = await readBoth(open, options);
    expectSame(plain, fast);
  }
}

describe("CSV fast path in the core", () => {
  it("equals the parser on the case files", async () => {
    const names = (await listDir("test/data/cases")).filter((name) => name.endsWith(".csv"));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      for (const encoding of ["utf-8", "windows-1252"] as const) {
        const [plain, fast] = await readBoth(() => fileSource(`test/data/cases/${name}`), { encoding });
        expectSame(plain, fast);
      }
    }
  });

  it("equals the parser on the shipped sample", async () => {
    const names = (await listDir("data/sample/01-12")).filter((name) => name.endsWith(".csv.gz"));
    expect(names.length).toBe(7);
    for (const name of names) {
      const [plain, fast] = await readBoth(() => fileSource(`data/sample/01-12/${name}`));
      expect(typeof plain).toBe("object");
      expectSame(plain, fast);
    }
  });

  it("parses the sample's rows in the core", async () => {
    // A core whose csvParseRows counts the rows it returns.
    let kernelRows = 0;
    const exports = new Proxy(core.exports, {
      get(target, key) {
        if (key !== "csvParseRows") return target[key as string];
        return (...args: number[]) => {
          const rows = target.csvParseRows(...args) as number;
          kernelRows += rows;
          return rows;
        };
      },
    });
    const counting = Object.create(core, { exports: { value: exports } }) as Core;
    const table = await readCsv(fileSource("data/sample/01-12/Syn.csv.gz"), { core: counting });
    // Every row of the sample is plain: unquoted, numbers in the fast form.
    expect(table.rowCount).toBeGreaterThan(7000);
    expect(kernelRows).toBe(table.rowCount);
  });

  it("leaves unusual numbers to the parser", async () => {
    const accepted = [
      "1", "-0", "+5", ".5", "5.", "-.25", "0.000", "1e5", "1E-5", "2.5e+3", "1e22", "1e23", "1e-22", "1e-23",
      "9007199254740991", "9007199254740993", "123456789012345678", "1e400", "-1e400", "Infinity", "-inf", "NaN", "",
      "-Infinity", "+Infinity", "infinity", "nan", "NaN ", "-NaN", " 5", "0.10000000000000001",
    ];
    const rejected = ["0x10", "1e", "1e+", "--1", "1.2.3", "12x", '"7"', '" 8"', "Infinityx", "-", "+"];
    const row = (value: string, i: number) => `id-${i},${value},${i},3.5,BENIGN`;
    for (const [i, value] of [...accepted, ...rejected].entries()) await expectSameText(`${HEADER}\n${row(value, i)}\n`);
    await expectSameText(`${HEADER}\n${accepted.map(row).join("\n")}\n`);
  });

  it("leaves unusual rows to the parser", async () => {
    const rows = [
      "a,1,2,3,Syn",
      "",
      ",,,,",
      "b,1,2,3,Syn\r",
      "c,1,2\r3,4,Syn",
      'd,1,2,3,"Syn"',
      'e"x,1,2,3,Syn',
      "f,1,2,3,Sÿn",
      "g\r,1,2,3,Syn",
      HEADER,
      "h,1,2,3,Syn",
      "i,1,2,3",
      "j,1,2,3,Syn,extra",
      "k,1,2,3, ",
      "l,1,2,3,DrDoS_LDAP",
    ];
    for (const row of rows) await expectSameText(`${HEADER}\n${row}\nz,4,5,6,UDP\n`);
    const good = rows.filter((row) => !/^[ijk],/.test(row));
    await expectSameText(`\uFEFF${HEADER}\r\n${good.join("\r\n")}\r\nlast,1,2,3,Syn`);
    await expectSameText(`${HEADER}\n${good.join("\n")}`, { strict: false, encoding: "windows-1252" });
  });

  it("equals the parser on random rows", async () => {
    // A fixed linear congruential sequence, so that a failure repeats.
    let state = 12345;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const numbers = ["0", "-3", "17.25", "1e3", "", "NaN", "Infinity", "-Infinity", "inf", "12345678.901", "-0.0001", "9999999999999999", "0.14038297686893021"];
    const lines: string[] = [];
    for (let r = 0; r < 3000; r++) {
      const value = () => (next() < 0.8 ? (next() * 1e6).toFixed(Math.floor(next() * 7)) : numbers[Math.floor(next() * numbers.length)]);
      const label = ["BENIGN", "Syn", "DrDoS_UDP", '"Syn"'][Math.floor(next() * 4)];
      lines.push(`f-${r},${value()},${value()},${value()},${label}`);
      if (next() < 0.01) lines.push(["", HEADER, ",,,,"][Math.floor(next() * 3)]);
    }
    await expectSameText(`${HEADER}\n${lines.join(next() < 0.5 ? "\n" : "\r\n")}\n`);
  });

  it("frees its memory in the core", async () => {
    const bytes = await readBytes("data/sample/01-12/Syn.csv.gz");
    await readCsv(bytesSource("Syn.csv.gz", bytes), { core });
    const probe = core.alloc(1 << 20);
    core.free(probe);
    await readCsv(bytesSource("Syn.csv.gz", bytes), { core });
    await readCsv(bytesSource("bad.csv", encoder.encode(`${HEADER}\na,1,2,3,\n`)), { core }).catch(() => undefined);
    // The same block comes back once every read has freed what it took.
    const again = core.alloc(1 << 20);
    expect(again).toBe(probe);
    core.free(again);
  });
});
