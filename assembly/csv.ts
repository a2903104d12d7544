// The CSV reader's fast path (src/csv_kernel.ts drives it): parses plain
// rows of CICFlowMeter CSV into the reader's staging rows. A plain row has
// unquoted fields only, a decimal number (sign, digits, fraction,
// exponent) in every feature column, no byte of 0x80 and up, no lone CR
// and exactly the header's column count. Anything else ends the call, and
// the TypeScript parser reads that row with its full rules and messages.
// A number of at most 2^53 as a whole number times a power of ten of at
// most 22 gets the value the TypeScript parser computes: the same float64
// operations, then one rounding to float32. Any other number is listed as
// a fix-up, which the caller converts with Number() as the parser does.

const COMMA: u32 = 0x2c;
const QUOTE: u32 = 0x22;
const LF: u32 = 0x0a;
const CR: u32 = 0x0d;
const MINUS: u32 = 0x2d;
const PLUS: u32 = 0x2b;
const DOT: u32 = 0x2e;
const MAX_SAFE_INTEGER: f64 = 9007199254740991;

/** Powers of ten that float64 stores exactly (1e22 is the largest). */
const POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/** Float32 bits of NaN as a Float32Array stores it, and of the infinities. */
const F32_NAN: u32 = 0x7fc00000;
const F32_INFINITY: u32 = 0x7f800000;
const F32_MINUS_INFINITY: u32 = 0xff800000;
/** "Infinity" as two little-endian words: "Infi" and "nity". */
const INFINITY_LOW: u32 = 0x69666e49;
const INFINITY_HIGH: u32 = 0x7974696e;

/** Returns whether a field ends at `p`: a comma, an LF, or a CR before an LF. */
@inline function isEnd(input: usize, p: i32, end: i32): bool {
  const b = <u32>load<u8>(input + <usize>p);
  return b == COMMA || b == LF || (b == CR && p + 1 < end && <u32>load<u8>(input + <usize>(p + 1)) == LF);
}

/** Returns whether the 8 bytes at `p` are the word given as two little-endian u32. */
@inline function isWord(input: usize, p: i32, low: u32, high: u32): bool {
  return load<u32>(input + <usize>p) == low && load<u32>(input + <usize>p, 4) == high;
}

/** Returns whether the 3 bytes at `p` are "NaN". */
@inline function isNaNWord(input: usize, p: i32): bool {
  return load<u8>(input + <usize>p) == 0x4e && load<u8>(input + <usize>p, 1) == 0x61 && load<u8>(input + <usize>p, 2) == 0x4e;
}

/** Position after the last row parsed by csvParseRows. */
let position: i32 = 0;
/** Fix-ups written by the last csvParseRows call. */
let fixupCount: i32 = 0;

/** Returns the position of the first byte that the last csvParseRows call did not consume. */
export function csvPosition(): i32 {
  return position;
}

/** Returns the number of fix-ups the last csvParseRows call wrote. */
export function csvFixupCount(): i32 {
  return fixupCount;
}

/**
 * Parses plain rows of `input` from `pos`, a line start, for at most
 * `maxRows` rows, and returns how many it parsed. It stops before a row
 * that is not plain, a row that starts at or after `stopAt`, a row that
 * starts with `headerFirst` (which may repeat the header), an empty line,
 * and a line that does not end before `end`. `kinds` has one int32 per
 * column: the feature index, or a negative kind for other columns (-2
 * the label). Row r's values go to float32 `stage` row `stageRow + r`
 * (featureCount values each), and the start and end of its label field to
 * int32 `labels[2r]` and `labels[2r + 1]`. A number outside the fast
 * form adds a fix-up to int32 `fixups`: its index in `stage`, then the
 * start and end of its text. csvPosition then gives the position after
 * the last row parsed, and csvFixupCount the fix-ups written.
 */
export function csvParseRows(
  input: usize,
  pos: i32,
  end: i32,
  stopAt: i32,
  maxRows: i32,
  kinds: usize,
  columnCount: i32,
  stage: usize,
  featureCount: i32,
  stageRow: i32,
  headerFirst: i32,
  labels: usize,
  fixups: usize,
): i32 {
  let rows = 0;
  position = pos;
  fixupCount = 0;
  while (rows < maxRows && pos < end && pos < stopAt) {
    const first = <u32>load<u8>(input + <usize>pos);
    if (first == LF || first == CR || <i32>first == headerFirst) break;
    const rowIndex = (stageRow + rows) * featureCount;
    const rowStage = stage + (<usize>rowIndex << 2);
    const rowFixups = fixupCount;
    let p = pos;
    let column = 0;
    let labelStart = -1;
    let labelEnd = -1;
    let plain = true;
    // A row of empty fields only is skipped by the parser, which counts it.
    let nonEmpty = false;
    let next = 0;
    while (true) {
      const kind = load<i32>(kinds + (<usize>column << 2));
      const fieldStart = p;
      if (kind >= 0) {
        // Sign, digits, fraction and exponent, as the TypeScript fast path reads them.
        let b = <u32>load<u8>(input + <usize>p);
        let negative = false;
        if (b == MINUS) {
          negative = true;
          b = <u32>load<u8>(input + <usize>++p);
        } else if (b == PLUS) {
          b = <u32>load<u8>(input + <usize>++p);
        }
        let mantissa: f64 = 0;
        const digitsStart = p;
        let d = b - 48;
        while (d <= 9) {
          mantissa = mantissa * 10 + <f64>d;
          d = <u32>load<u8>(input + <usize>++p) - 48;
        }
        let digitCount = p - digitsStart;
        let exponent = 0;
        if (<u32>load<u8>(input + <usize>p) == DOT) {
          // Trailing zeros of the fraction stay out of the mantissa.
          const fractionStart = ++p;
          let fraction = mantissa;
          let fractionEnd = p;
          d = <u32>load<u8>(input + <usize>p) - 48;
          while (d <= 9) {
            fraction = fraction * 10 + <f64>d;
            if (d != 0) {
              mantissa = fraction;
              fractionEnd = p + 1;
            }
            d = <u32>load<u8>(input + <usize>++p) - 48;
          }
          exponent = fractionStart - fractionEnd;
          digitCount += p - fractionStart;
        }
        let valid = digitCount > 0;
        if (valid && (<u32>load<u8>(input + <usize>p) | 0x20) == 0x65) {
          p++;
          let exponentNegative = false;
          const sign = <u32>load<u8>(input + <usize>p);
          if (sign == MINUS) {
            exponentNegative = true;
            p++;
          } else if (sign == PLUS) {
            p++;
          }
          const exponentStart = p;
          let written = 0;
          d = <u32>load<u8>(input + <usize>p) - 48;
          while (d <= 9) {
            if (written < 100000) written = written * 10 + <i32>d;
            d = <u32>load<u8>(input + <usize>++p) - 48;
          }
          valid = p > exponentStart;
          exponent += exponentNegative ? -written : written;
        }
        if (!valid) {
          // An empty field is NaN, and so is the word NaN. Infinity may have a sign.
          // Other spellings ("inf", "nan", spaces) are left to the parser.
          let bits: u32 = 0;
          if (p == fieldStart && isEnd(input, p, end)) {
            bits = F32_NAN;
          } else if (digitCount == 0 && p == digitsStart && isWord(input, p, INFINITY_LOW, INFINITY_HIGH)) {
            bits = negative ? F32_MINUS_INFINITY : F32_INFINITY;
            p += 8;
          } else if (digitCount == 0 && p == fieldStart && isNaNWord(input, p)) {
            bits = F32_NAN;
            p += 3;
          } else {
            plain = false;
            break;
          }
          if (p > fieldStart) nonEmpty = true;
          store<u32>(rowStage + (<usize>kind << 2), bits);
        } else if (mantissa > MAX_SAFE_INTEGER || exponent < -22 || exponent > 22) {
          const at = fixups + (<usize>fixupCount * 12);
          store<i32>(at, rowIndex + kind);
          store<i32>(at, fieldStart, 4);
          store<i32>(at, p, 8);
          fixupCount++;
        } else {
          let value = mantissa;
          if (exponent < 0) value = mantissa / unchecked(POW10[-exponent]);
          else if (exponent > 0) value = mantissa * unchecked(POW10[exponent]);
          if (negative) value = -value;
          store<f32>(rowStage + (<usize>kind << 2), <f32>value);
        }
        if (valid) nonEmpty = true;
      } else {
        // Identifier or label: scan to the comma or line end.
        let b = <u32>load<u8>(input + <usize>p);
        while (b != COMMA && b != LF && b != CR && b != QUOTE && b < 0x80) b = <u32>load<u8>(input + <usize>++p);
        if (p > fieldStart) nonEmpty = true;
        if (kind == -2) {
          labelStart = fieldStart;
          labelEnd = p;
        }
      }
      if (p >= end) {
        plain = false;
        break;
      }
      const b = <u32>load<u8>(input + <usize>p);
      if (b == COMMA) {
        column++;
        if (column >= columnCount) {
          plain = false;
          break;
        }
        p++;
        continue;
      }
      if (column + 1 != columnCount) {
        plain = false;
        break;
      }
      if (b == LF) {
        next = p + 1;
      } else if (b == CR && p + 1 < end && <u32>load<u8>(input + <usize>(p + 1)) == LF) {
        next = p + 2;
      } else {
        plain = false;
      }
      break;
    }
    if (!plain || !nonEmpty) {
      fixupCount = rowFixups;
      break;
    }
    store<i32>(labels + (<usize>rows << 3), labelStart);
    store<i32>(labels + (<usize>rows << 3), labelEnd, 4);
    rows++;
    pos = next;
    position = pos;
  }
  return rows;
}
