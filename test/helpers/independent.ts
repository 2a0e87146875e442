/**
 * Independent references for tests: values computed a second way, so that a bug shared by
 * the golden model and the generator (which calls the model to fill its ROM images) cannot
 * hide. Nothing here imports src/blocks/<block>/model.ts or src/base/bits.ts, and nothing
 * reuses their formulas:
 *
 * - Gray codes by the reflection construction (the list of n-bit codes is the (n−1)-bit list
 *   with a 0 in front, followed by the same list reversed with a 1 in front), not by
 *   p XOR (p >> 1); a literal 4-bit table pins the construction itself.
 * - bitlen(x) as the length of x's binary string; clog2 as the smallest k with 2^k ≥ x,
 *   found by doubling; popcount by counting '1' characters.
 * - Log-PE values from SPEC §2's paper formula written with those, literal tables for small
 *   N, and the paper authors' own tables (test/fixtures/reference/) where they apply.
 */

/** Number of binary digits of x ≥ 0 (0 for 0), from its binary string. */
export function bitLength(x: number): number {
  if (!Number.isInteger(x) || x < 0) throw new RangeError(`bitLength(${x})`);
  return x === 0 ? 0 : x.toString(2).length;
}

/** ⌈log2 x⌉ for x ≥ 1, by doubling. */
export function ceilLog2(x: number): number {
  let k = 0;
  while (2 ** k < x) k++;
  return k;
}

/** Bits of a port that indexes `count` things: ⌈log2 count⌉, at least 1. */
export function indexBits(count: number): number {
  return Math.max(1, ceilLog2(count));
}

/** Number of 1 bits, counted on the binary string (numbers or bigints). */
export function ones(x: number | bigint): number {
  return [...x.toString(2)].filter((c) => c === '1').length;
}

/** The binary-reflected Gray code list of `bits` bits, built by reflection (SPEC §1 defines it by XOR). */
export function reflectedGray(bits: number): number[] {
  let codes = [0];
  for (let b = 0; b < bits; b++) codes = [...codes, ...[...codes].reverse().map((c) => c + 2 ** b)];
  return codes;
}

/** The 4-bit reflected Gray code, written out by hand. */
export const GRAY_4BIT = [0b0000, 0b0001, 0b0011, 0b0010, 0b0110, 0b0111, 0b0101, 0b0100, 0b1100, 0b1101, 0b1111, 0b1110, 0b1010, 0b1011, 0b1001, 0b1000];

/** Code of position p among `positions` positions (1-D), by the reflected list. */
export function grayOf(p: number): number {
  return reflectedGray(Math.max(1, bitLength(p)))[p]!;
}

/** Code of token i on an R×C grid: gray(row) in the high bits, gray(col) in the low ⌈log2 C⌉ (≥ 1) bits. */
export function gridGrayOf(rows: number, cols: number, i: number): number {
  const row = Math.floor(i / cols);
  const col = i % cols;
  if (row >= rows) throw new RangeError(`token ${i} outside a ${rows}x${cols} grid`);
  return grayOf(row) * 2 ** indexBits(cols) + grayOf(col);
}

/**
 * Log-PE paper-mode bias written out by hand for N = 12 (SPEC §2: bitlen(N − 1 − d)),
 * entry d = distance 0 … 11: 11, 10, 9, 8 have 4 bits; 7 … 4 have 3; 3, 2 have 2; 1 has 1; 0 has 0.
 */
export const LOGPE_PAPER_N12 = [4, 4, 4, 4, 3, 3, 3, 3, 2, 2, 1, 0];

/** Paper-mode Log-PE bias of distance d in 1-D: the bit length of N − 1 − d. */
export function paperBias1d(n: number, d: number): number {
  return bitLength(n - 1 - d);
}

/** Paper-mode Log-PE bias on an R×C grid at row / column distances (dr, dc). */
export function paperBiasGrid(rows: number, cols: number, dr: number, dc: number): number {
  return bitLength(rows - 1 - dr) + bitLength(cols - 1 - dc);
}

/** Paper-mode bias of query i and key j, 1-D or on a grid. */
export function paperBias(n: number, grid: { rows: number; cols: number } | null, i: number, j: number): number {
  if (!grid) return paperBias1d(n, Math.abs(i - j));
  const dr = Math.abs(Math.floor(i / grid.cols) - Math.floor(j / grid.cols));
  const dc = Math.abs((i % grid.cols) - (j % grid.cols));
  return paperBiasGrid(grid.rows, grid.cols, dr, dc);
}

/** Words of a `.mem` image (one hex word per line, as $readmemh reads it). */
export function readMem(text: string): { words: number[]; digits: number[] } {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (const l of lines) if (!/^[0-9a-f]+$/.test(l.trim())) throw new Error(`not a hex word: "${l}"`);
  return { words: lines.map((l) => parseInt(l.trim(), 16)), digits: lines.map((l) => l.trim().length) };
}

/**
 * Every difference between a `.mem` image and the expected words: depth, digits per word
 * (⌈width / 4⌉, at least 1) and each word, as readable lines (empty when they agree).
 */
export function memDifferences(file: string, text: string, expected: number[], width: number): string[] {
  const { words, digits } = readMem(text);
  const out: string[] = [];
  if (words.length !== expected.length) out.push(`${file}: ${words.length} words, expected ${expected.length}`);
  const want = Math.max(1, Math.ceil(width / 4));
  const badDigits = digits.findIndex((d) => d !== want);
  if (badDigits >= 0) out.push(`${file}: word ${badDigits} has ${digits[badDigits]} hex digits, expected ${want} for ${width} bits`);
  for (let a = 0; a < Math.min(words.length, expected.length); a++) {
    if (words[a] !== expected[a]) out.push(`${file}: word ${a} is ${words[a]}, expected ${expected[a]}`);
  }
  return out;
}
