/**
 * Every ROM image the generators write (`.mem` files), checked against an independent
 * computation. The generators fill their ROMs from the golden model's own functions, so
 * co-simulation against that model cannot see a bug the two share; this file recomputes
 * each word another way (test/helpers/independent.ts: Gray codes by reflection, bit
 * lengths from binary strings, literal tables, the paper authors' Log-PE tables) and also
 * checks the depth, the padding past the last entry and the digits per word.
 *
 * ROM implementations covered: the Gray-PE code ROM (1-D token, 1-D timestep-token, 2-D
 * grid; stand-alone and inside the XNOR engine), the Log-PE distance ROM (1-D and grid) and
 * the Log-PE table ROM banks (paper values and the authors' tables, at several lane counts,
 * stand-alone and inside the engine). Every `.mem` file of every design here must be
 * checked: a new ROM file without an expectation fails the test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Design } from '../src/design/design.js';
import { FULL, FULL_ONLY } from './helpers/tier.js';
import { REFERENCE_DIR, design } from './helpers/design.js';
import {
  GRAY_4BIT,
  LOGPE_PAPER_N12,
  bitLength,
  gridGrayOf,
  grayOf,
  indexBits,
  memDifferences,
  paperBias,
  paperBias1d,
  paperBiasGrid,
  reflectedGray,
} from './helpers/independent.js';

interface Expectation {
  words: number[];
  width: number;
}

/** Differences between the design's `.mem` files and the expectations; an unexpected or missing file is one too. */
function romDifferences(d: Design, expected: Record<string, Expectation>): string[] {
  const mems = d.files.filter((f) => f.kind === 'mem');
  const out: string[] = [];
  for (const f of mems) {
    const e = expected[f.path];
    if (!e) out.push(`${f.path}: no independent expectation for this ROM image`);
    else out.push(...memDifferences(f.path, f.content, e.words, e.width));
  }
  for (const path of Object.keys(expected)) if (!mems.some((f) => f.path === path)) out.push(`${path}: not generated`);
  return out;
}

// ---------------------------------------------------------------------------------------
// Expected images, from the config alone (no derive(), no model).

type Grid = { rows: number; cols: number } | null;

/** The Gray code ROM: 2^⌈log2 P⌉ words, code(p) for p < P, 0 after; G bits. */
function grayRom(positions: number, grid: Grid, bits: number | null): Expectation {
  const depth = 2 ** indexBits(positions);
  const width = grid ? indexBits(grid.rows) + indexBits(grid.cols) : (bits ?? indexBits(positions));
  const words = Array.from({ length: depth }, (_, p) => (p >= positions ? 0 : grid ? gridGrayOf(grid.rows, grid.cols, p) : grayOf(p)));
  return { words, width };
}

/** Largest paper-mode bias and the bias port width max(1, bitlen(B_max)). */
function paperWidth(n: number, grid: Grid): number {
  const max = grid ? bitLength(grid.rows - 1) + bitLength(grid.cols - 1) : bitLength(n - 1);
  return Math.max(1, bitLength(max));
}

/** The distance ROM: entry d (1-D, 2^⌈log2 N⌉ words) or {dr, dc} (grid, 2^(⌈log2 R⌉ + ⌈log2 C⌉) words). */
function distanceRom(n: number, grid: Grid, table: number[][] | null = null): Expectation {
  const width = table ? Math.max(1, bitLength(Math.max(...table.flat()))) : paperWidth(n, grid);
  if (!grid) {
    const words = Array.from({ length: 2 ** indexBits(n) }, (_, dist) => (dist >= n ? 0 : table ? table[0]![dist]! : paperBias1d(n, dist)));
    return { words, width };
  }
  const cw = indexBits(grid.cols);
  const words = Array.from({ length: 2 ** (indexBits(grid.rows) + cw) }, (_, a) => {
    const dr = Math.floor(a / 2 ** cw);
    const dc = a % 2 ** cw;
    if (dr >= grid.rows || dc >= grid.cols) return 0;
    return table ? table[0]![dr * grid.cols + dc]! : paperBiasGrid(grid.rows, grid.cols, dr, dc);
  });
  return { words, width };
}

/** Table ROM bank `lane` of `lanes`: address i·B + b holds bias(i, b·lanes + lane), 0 past N − 1; B = ⌈N / lanes⌉. */
function tableBank(n: number, lanes: number, lane: number, bias: (i: number, j: number) => number, width: number): Expectation {
  const beats = Math.ceil(n / lanes);
  const words: number[] = [];
  for (let i = 0; i < n; i++) for (let b = 0; b < beats; b++) words.push(b * lanes + lane < n ? bias(i, b * lanes + lane) : 0);
  return { words, width };
}

function tableBanks(module: string, n: number, lanes: number, bias: (i: number, j: number) => number, width: number): Record<string, Expectation> {
  return Object.fromEntries(Array.from({ length: lanes }, (_, l) => [`${module}_bank${l}.mem`, tableBank(n, lanes, l, bias, width)]));
}

const readTable = (file: string) => JSON.parse(readFileSync(join(REFERENCE_DIR, file), 'utf8')) as number[][];

// ---------------------------------------------------------------------------------------

describe('the independent references agree with each other', () => {
  it('Gray codes by reflection equal the hand-written 4-bit table, and neighbours differ in one bit', () => {
    expect(reflectedGray(4)).toEqual(GRAY_4BIT);
    const codes = reflectedGray(10);
    for (let p = 1; p < codes.length; p++) expect(bitLength(codes[p]! ^ codes[p - 1]!) - bitLength(0)).toBeGreaterThan(0);
    for (let p = 1; p < codes.length; p++) expect([...(codes[p]! ^ codes[p - 1]!).toString(2)].filter((c) => c === '1').length).toBe(1);
    expect(new Set(codes).size).toBe(1024);
  });

  it('the paper formula written with string bit lengths gives the hand-written N = 12 row', () => {
    expect(Array.from({ length: 12 }, (_, d) => paperBias1d(12, d))).toEqual(LOGPE_PAPER_N12);
    // The authors' N = 12 table agrees with the paper formula on the diagonal (clog2 12 = 4) only.
    const t = readTable('logpe-seqsnn-L12-torch1.13.json');
    for (let i = 0; i < 12; i++) expect(t[i]![i]).toBe(4);
  });
});

describe('Gray-PE code ROMs (gray_rom, impl "rom")', () => {
  const cases: [string, Record<string, unknown>, number, Grid, number | null][] = [
    ['N = 1', { seqLen: 1 }, 1, null, null],
    ['N = 2', { seqLen: 2 }, 2, null, null],
    ['N = 12, bits 10 (above the minimum)', { seqLen: 12, grayPe: { bits: 10 } }, 12, null, 10],
    ['N = 16 (P a power of two, no padding)', { seqLen: 16 }, 16, null, null],
    ['N = 37', { seqLen: 37 }, 37, null, null],
    ['N = 168, T = 4, timestep-token (P = 672)', { seqLen: 168, timesteps: 4, grayPe: { position: 'timestep-token' } }, 672, null, null],
    ['N = 10, T = 2, timestep-token, bits 8', { seqLen: 10, timesteps: 2, grayPe: { position: 'timestep-token', bits: 8 } }, 20, null, 8],
    ['5x6 grid', { seqLen: 30, grid: { rows: 5, cols: 6 } }, 30, { rows: 5, cols: 6 }, null],
    ['4x5 grid', { seqLen: 20, grid: { rows: 4, cols: 5 } }, 20, { rows: 4, cols: 5 }, null],
    ['1x4 grid (C = 2^PosWidth)', { seqLen: 4, grid: { rows: 1, cols: 4 } }, 4, { rows: 1, cols: 4 }, null],
    ['7x7 grid', { seqLen: 49, grid: { rows: 7, cols: 7 } }, 49, { rows: 7, cols: 7 }, null],
    ['16x16 grid', { seqLen: 256, grid: { rows: 16, cols: 16 } }, 256, { rows: 16, cols: 16 }, null],
  ];
  it.each(cases)('%s', (_label, raw, positions, grid, bits) => {
    const { grayPe, ...rest } = raw as { grayPe?: Record<string, unknown> };
    const d = design({ top: 'gray_rom', name: 'gi', ...rest, grayPe: { ...grayPe, impl: 'rom' } });
    expect(romDifferences(d, { 'gi_gray_code.mem': grayRom(positions, grid, bits) })).toEqual([]);
  });

  it('every 1-D size from 1 to 64 positions, and 100, 255, 256, 257, 1000', () => {
    for (const n of [...Array.from({ length: 64 }, (_, i) => i + 1), 100, 255, 256, 257, 1000]) {
      const d = design({ top: 'gray_rom', name: `gn${n}`, seqLen: n, grayPe: { impl: 'rom' } });
      expect(romDifferences(d, { [`gn${n}_gray_code.mem`]: grayRom(n, null, null) }), `N = ${n}`).toEqual([]);
    }
  });

  it('inside the XNOR engine (token and timestep-token positions from a ROM)', () => {
    const token = design({ top: 'xnor_attention', name: 'gx1', seqLen: 12, dim: 4, grayPe: { enabled: true, impl: 'rom' } });
    expect(romDifferences(token, { 'gx1_gray_code.mem': grayRom(12, null, null) })).toEqual([]);
    const tt = design({ top: 'xnor_attention', name: 'gx2', seqLen: 6, dim: 4, timesteps: 3, grayPe: { enabled: true, impl: 'rom', position: 'timestep-token', bits: 10 } });
    expect(romDifferences(tt, { 'gx2_gray_code.mem': grayRom(18, null, 10) })).toEqual([]);
  });
});

describe('Log-PE distance ROMs (impl "distance-rom")', () => {
  it('N = 12 equals the hand-written row', () => {
    const d = design({ top: 'logpe_bias', name: 'ld12', seqLen: 12, logPe: { impl: 'distance-rom' } });
    expect(romDifferences(d, { 'ld12_logpe_lanes.mem': { words: [...LOGPE_PAPER_N12, 0, 0, 0, 0], width: 3 } })).toEqual([]);
  });

  it('every 1-D size from 1 to 64, and 100, 168, 255, 256', () => {
    for (const n of [...Array.from({ length: 64 }, (_, i) => i + 1), 100, 168, 255, 256]) {
      const d = design({ top: 'logpe_bias', name: `ld${n}`, seqLen: n, logPe: { impl: 'distance-rom' } });
      expect(romDifferences(d, { [`ld${n}_logpe_lanes.mem`]: distanceRom(n, null) }), `N = ${n}`).toEqual([]);
    }
  });

  const grids: [number, number][] = [
    [1, 4],
    [2, 2],
    [3, 4],
    [4, 3],
    [5, 6],
    [7, 7],
    [4, 8],
    [16, 16],
  ];
  it.each(grids)('%i x %i grid', (rows, cols) => {
    const name = `lg${rows}x${cols}`;
    const d = design({ top: 'logpe_bias', name, seqLen: rows * cols, grid: { rows, cols }, logPe: { impl: 'distance-rom' } });
    expect(romDifferences(d, { [`${name}_logpe_lanes.mem`]: distanceRom(rows * cols, { rows, cols }) })).toEqual([]);
  });

  it('a distance table (table mode, impl distance-rom): entry d = table[0][d]', () => {
    const t = Array.from({ length: 9 }, (_, i) => Array.from({ length: 9 }, (_, j) => 20 - 2 * Math.abs(i - j)));
    const d = design({ top: 'logpe_bias', name: 'ldt', seqLen: 9, logPe: { mode: 'table', table: t, impl: 'distance-rom' } });
    expect(romDifferences(d, { 'ldt_logpe_lanes.mem': { words: [20, 18, 16, 14, 12, 10, 8, 6, 4, 0, 0, 0, 0, 0, 0, 0], width: 5 } })).toEqual([]);
    expect(romDifferences(d, { 'ldt_logpe_lanes.mem': distanceRom(9, null, t) })).toEqual([]);
  });
});

describe('Log-PE table ROM banks (impl "table-rom")', () => {
  it('paper values, stand-alone (1 lane): N = 12 and a 3x4 grid', () => {
    const d = design({ top: 'logpe_bias', name: 'lt12', seqLen: 12, logPe: { impl: 'table-rom' } });
    const row = (i: number) => Array.from({ length: 12 }, (_, j) => LOGPE_PAPER_N12[Math.abs(i - j)]!);
    expect(romDifferences(d, { 'lt12_logpe_lanes_bank0.mem': { words: Array.from({ length: 12 }, (_, i) => row(i)).flat(), width: 3 } })).toEqual([]);
    const grid = { rows: 3, cols: 4 };
    const g = design({ top: 'logpe_bias', name: 'ltg', seqLen: 12, grid, logPe: { impl: 'table-rom' } });
    expect(romDifferences(g, tableBanks('ltg_logpe_lanes', 12, 1, (i, j) => paperBias(12, grid, i, j), paperWidth(12, grid)))).toEqual([]);
  });

  it("the authors' tables (N = 12, 20, 168 under two PyTorch versions), stand-alone", () => {
    for (const [file, n] of [
      ['vectors/logpe-seqsnn-N12-torch1.13.json', 12],
      ['vectors/logpe-seqsnn-N20-torch1.13.json', 20],
      ['logpe-seqsnn-L168-torch1.13.json', 168],
      ['logpe-seqsnn-L168-torch2.x.json', 168],
    ] as const) {
      const t = readTable(file);
      expect(t.length).toBe(n);
      const d = design({ top: 'logpe_bias', name: 'lta', seqLen: n, logPe: { mode: 'table', table: join(REFERENCE_DIR, file) } });
      const width = Math.max(1, bitLength(Math.max(...t.flat())));
      expect(romDifferences(d, tableBanks('lta_logpe_lanes', n, 1, (i, j) => t[i]![j]!, width)), file).toEqual([]);
    }
  });

  // The engine instantiates the lanes core with its own lane count: one bank per lane.
  const lanes: [number, number][] = [
    [13, 1],
    [13, 3],
    [13, 4],
    [13, 13],
    [12, 5],
    [20, 6],
  ];
  it.each(lanes)('inside the XNOR engine: N = %i, %i lanes, paper values and a scrambled table', (n, l) => {
    const p = design({ top: 'xnor_attention', name: 'xtp', seqLen: n, dim: 4, lanes: l, logPe: { enabled: true, impl: 'table-rom' } });
    expect(romDifferences(p, tableBanks('xtp_logpe_lanes', n, l, (i, j) => paperBias(n, null, i, j), paperWidth(n, null)))).toEqual([]);
    const t = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i * 7 + j * 3 + (i === j ? 5 : 0)) % 11));
    const s = design({ top: 'xnor_attention', name: 'xts', seqLen: n, dim: 4, lanes: l, logPe: { enabled: true, mode: 'table', table: t } });
    expect(romDifferences(s, tableBanks('xts_logpe_lanes', n, l, (i, j) => t[i]![j]!, 4))).toEqual([]);
  });

  it.skipIf(!FULL)(`the authors' N = 168 table inside the engine at 1, 4, 7 and 168 lanes${FULL_ONLY}`, () => {
    const t = readTable('logpe-seqsnn-L168-torch2.x.json');
    for (const l of [1, 4, 7, 168]) {
      const d = design({ top: 'xnor_attention', name: 'xta', seqLen: 168, dim: 4, lanes: l, logPe: { enabled: true, mode: 'table', table: join(REFERENCE_DIR, 'logpe-seqsnn-L168-torch2.x.json') } });
      expect(romDifferences(d, tableBanks('xta_logpe_lanes', 168, l, (i, j) => t[i]![j]!, 4)), `${l} lanes`).toEqual([]);
    }
  });
});

describe('the ROM check can fail', () => {
  const flip = (d: Design, path: string, word: number, bit: number): Design => ({
    ...d,
    files: d.files.map((f) => {
      if (f.path !== path) return f;
      const lines = f.content.split('\n');
      lines[word] = (parseInt(lines[word]!, 16) ^ (1 << bit)).toString(16).padStart(lines[word]!.length, '0');
      return { ...f, content: lines.join('\n') };
    }),
  });

  it('reports one flipped word of a Gray ROM, of a distance ROM and of a table bank, with its address and both values', () => {
    const g = design({ top: 'gray_rom', name: 'fg', seqLen: 12, grayPe: { impl: 'rom' } });
    expect(romDifferences(flip(g, 'fg_gray_code.mem', 5, 2), { 'fg_gray_code.mem': grayRom(12, null, null) })).toEqual(['fg_gray_code.mem: word 5 is 3, expected 7']);
    const r = design({ top: 'logpe_bias', name: 'fr', seqLen: 12, logPe: { impl: 'distance-rom' } });
    expect(romDifferences(flip(r, 'fr_logpe_lanes.mem', 10, 1), { 'fr_logpe_lanes.mem': distanceRom(12, null) })).toEqual(['fr_logpe_lanes.mem: word 10 is 3, expected 1']);
    const t = design({ top: 'xnor_attention', name: 'ft', seqLen: 13, dim: 4, lanes: 4, logPe: { enabled: true, impl: 'table-rom' } });
    const banks = tableBanks('ft_logpe_lanes', 13, 4, (i, j) => paperBias(13, null, i, j), 3);
    expect(romDifferences(flip(t, 'ft_logpe_lanes_bank2.mem', 9, 0), banks)).toEqual(['ft_logpe_lanes_bank2.mem: word 9 is 5, expected 4']);
  });

  it('reports a ROM image that has no expectation, a missing one, a wrong depth and a wrong digit count', () => {
    const g = design({ top: 'gray_rom', name: 'fm', seqLen: 12, grayPe: { impl: 'rom' } });
    expect(romDifferences(g, {})).toEqual(['fm_gray_code.mem: no independent expectation for this ROM image']);
    expect(romDifferences(g, { 'fm_gray_code.mem': grayRom(12, null, null), 'other.mem': { words: [], width: 1 } })).toEqual(['other.mem: not generated']);
    expect(romDifferences(g, { 'fm_gray_code.mem': { words: grayRom(12, null, null).words.slice(0, 12), width: 4 } })).toEqual(['fm_gray_code.mem: 16 words, expected 12']);
    expect(romDifferences(g, { 'fm_gray_code.mem': { ...grayRom(12, null, null), width: 5 } })).toEqual(['fm_gray_code.mem: word 0 has 1 hex digits, expected 2 for 5 bits']);
  });
});
