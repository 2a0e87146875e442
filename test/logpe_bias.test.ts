import { FULL, FULL_ONLY } from './helpers/tier.js';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveLogPe, deriveLogPeLanes } from '../src/blocks/logpe_bias/derive.js';
import { logPeBias } from '../src/blocks/logpe_bias/model.js';
import { resolveConfig } from '../src/io/config-file.js';
import { main } from '../src/cli/main.js';
import { compileIcarus, lintVerilator } from '../src/tools/portability.js';
import { synthesize, type SynthReport } from '../src/tools/yosys.js';
import { checkVectorFile } from '../src/app/check.js';
import { loadVectorFile } from '../src/vectors/file.js';
import { REFERENCE_DIR, VECTORS_DIR, design, expectBitExact, expectPortable, mutate, traceDir } from './helpers/design.js';
import { biasGroup, lanesGroup, type GroupDesign } from './helpers/logpe.js';
import { LOGPE_PAPER_N12, bitLength, ceilLog2, paperBias } from './helpers/independent.js';
import { twoAtATime } from './helpers/two-at-a-time.js';

const base = { top: 'logpe_bias', name: 'lp' } as const;
const derive = (raw: Record<string, unknown>, dir = VECTORS_DIR) => deriveLogPe(resolveConfig({ ...base, ...raw }, dir));
const readTable = (file: string) => JSON.parse(readFileSync(join(REFERENCE_DIR, file), 'utf8')) as number[][];
const AUTHORS = ['logpe-seqsnn-L12-torch1.13.json', 'logpe-seqsnn-L168-torch1.13.json', 'logpe-seqsnn-L168-torch2.x.json'];

describe('Log-PE golden model (SPEC §2)', () => {
  it('is clog2(N) on the diagonal and 0 at distance N - 1', () => {
    for (const [n, diag] of [
      [168, 8],
      [12, 4],
      [256, 8],
      [1, 0],
    ] as const) {
      const l = derive({ seqLen: n });
      for (let i = 0; i < n; i++) expect(logPeBias(l, i, i)).toBe(diag);
      expect(logPeBias(l, 0, n - 1)).toBe(0);
      expect(logPeBias(l, n - 1, 0)).toBe(0);
    }
  });

  it('N = 12: the hand-written row', () => {
    const l = derive({ seqLen: 12 });
    expect(Array.from({ length: 12 }, (_, j) => logPeBias(l, 0, j))).toEqual(LOGPE_PAPER_N12);
    expect(Array.from({ length: 12 }, (_, j) => logPeBias(l, 11, 11 - j))).toEqual(LOGPE_PAPER_N12);
  });

  // bitlen and clog2 written independently of src/base/bits.ts (binary-string length, doubling).
  it('paper formula: clog2(N - |i - j|) = bitlen(N - 1 - |i - j|)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4096 }), fc.nat(), fc.nat(), (n, a, b) => {
        const i = a % n;
        const j = b % n;
        const l = derive({ seqLen: n });
        expect(logPeBias(l, i, j)).toBe(ceilLog2(n - Math.abs(i - j)));
        expect(logPeBias(l, i, j)).toBe(bitLength(n - 1 - Math.abs(i - j)));
      }),
      { numRuns: 500 },
    );
  });

  it('2-D: one bit length per axis, summed', () => {
    const l = derive({ seqLen: 49, grid: { rows: 7, cols: 7 } });
    expect(l.maxBias).toBe(6);
    expect(logPeBias(l, 24, 24)).toBe(6);
    expect(logPeBias(l, 0, 48)).toBe(0);
    // (0,0) vs (1,5): bitlen(6 - 1) + bitlen(6 - 5) = 3 + 1.
    expect(logPeBias(l, 0, 12)).toBe(4);
    const w = derive({ seqLen: 12, grid: { rows: 3, cols: 4 } });
    // (1,1) vs (2,2): bitlen(3 - 1 - 1) + bitlen(4 - 1 - 1) = 1 + 2.
    expect(logPeBias(w, 5, 10)).toBe(3);
  });

  it('table mode reproduces the authors\' tables entry for entry', () => {
    for (const file of AUTHORS) {
      const t = readTable(file);
      const l = derive({ seqLen: t.length, logPe: { mode: 'table', table: `../${file}` } });
      expect(t.map((row, i) => row.map((_, j) => logPeBias(l, i, j)))).toEqual(t);
      expect(l.maxBias).toBe(Math.max(...t.flat()));
      expect(l.distanceOnly).toBe(false);
    }
  });

  it('the authors\' tables differ from the paper formula (hence table mode)', () => {
    for (const file of AUTHORS) {
      const t = readTable(file);
      let differ = 0;
      for (let i = 0; i < t.length; i++) for (let j = 0; j < t.length; j++) if (t[i]![j] !== paperBias(t.length, null, i, j)) differ++;
      expect(differ).toBeGreaterThan(0);
      // Both agree on the diagonal, clog2(N).
      for (let i = 0; i < t.length; i++) expect(t[i]![i]).toBe(t.length === 12 ? 4 : 8);
    }
    // 46 of 28,224 entries differ between the two PyTorch versions (SPEC §2).
    const [a, b] = [readTable(AUTHORS[1]!).flat(), readTable(AUTHORS[2]!).flat()];
    expect(a.filter((v, k) => v !== b[k]).length).toBe(46);
  });

  it('derives the widths: bias ports are at least 1 bit', () => {
    expect(derive({ seqLen: 168 })).toMatchObject({ maxBias: 8, biasWidth: 4, idxWidth: 8, impl: 'logic' });
    expect(derive({ seqLen: 12 })).toMatchObject({ maxBias: 4, biasWidth: 3, idxWidth: 4 });
    expect(derive({ seqLen: 1 })).toMatchObject({ maxBias: 0, biasWidth: 1, idxWidth: 1 });
    expect(derive({ seqLen: 2, logPe: { mode: 'table', table: [[0, 0], [0, 0]] } })).toMatchObject({ maxBias: 0, biasWidth: 1 });
    expect(derive({ seqLen: 2, logPe: { mode: 'table', table: [[9, 0], [0, 65535]] } })).toMatchObject({ biasWidth: 16, impl: 'table-rom' });
  });
});

describe('Log-PE config errors name the key and the place', () => {
  const table = (t: unknown) => ({ seqLen: 3, logPe: { mode: 'table', table: t } });
  const ok = [
    [2, 1, 0],
    [1, 2, 1],
    [0, 1, 2],
  ];
  it('a table that is not N×N', () => {
    expect(() => derive(table([[1, 2, 3]]))).toThrow(/"logPe\.table".*N = seqLen = 3.*it has 1 rows/);
    expect(() => derive(table([[1, 2, 3], [1, 2], [1, 2, 3]]))).toThrow(/"logPe\.table".*row 1 has 2 columns/);
    // A row that is not an array is caught by the schema (inline) or the file reader.
    expect(() => derive(table([[1, 2, 3], 7, [1, 2, 3]]))).toThrow(/"logPe\.table".*N×N array/);
  });
  it('negative, non-integer, too large or non-numeric entries', () => {
    const at = (r: number, c: number, v: unknown) => ok.map((row, i) => row.map((x, j) => (i === r && j === c ? v : x)));
    expect(() => derive(table(at(2, 1, -1)))).toThrow(/"logPe\.table": value -1 .*row 2 column 1 .*0 to 65535/);
    expect(() => derive(table(at(0, 2, 1.5)))).toThrow(/"logPe\.table": value 1\.5 .*row 0 column 2/);
    expect(() => derive(table(at(1, 1, 65536)))).toThrow(/"logPe\.table": value 65536 .*row 1 column 1/);
    expect(() => derive(table(at(1, 0, '2')))).toThrow(/"logPe\.table": value "2" .*row 1 column 0/);
  });
  it('a missing table file, or mode "table" with no table', () => {
    expect(() => derive(table('no-such-table.json'))).toThrow(/"logPe\.table": value "no-such-table\.json".*cannot be read \(ENOENT\)/);
    expect(() => derive({ seqLen: 3, logPe: { mode: 'table' } })).toThrow(/"logPe\.table": value null.*needs a table/);
  });
  it('a grid whose rows x cols is not seqLen', () => {
    expect(() => derive({ seqLen: 50, grid: { rows: 7, cols: 7 } })).toThrow(/"grid".*must equal seqLen/);
  });
  it('logic or distance-rom for a table that is not a function of the distance', () => {
    const authors = { seqLen: 12, logPe: { mode: 'table', table: '../logpe-seqsnn-L12-torch1.13.json' } };
    for (const impl of ['logic', 'distance-rom']) {
      expect(() => derive({ ...authors, logPe: { ...authors.logPe, impl } })).toThrow(
        /not a function of \|i − j\|: row 1 column 7 holds 1 but row 0 column 6, at the same distance, holds 2.*allowed: "table-rom" or "auto"/,
      );
    }
    // On a grid the distance is (|dr|, |dc|); a 1-D distance table is not a function of it.
    const grid = { seqLen: 4, grid: { rows: 2, cols: 2 } };
    const oneD = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => 3 - Math.abs(i - j)));
    expect(() => derive({ ...grid, logPe: { mode: 'table', table: oneD, impl: 'distance-rom' } })).toThrow(
      /"logPe\.impl".*not a function of \(\|r_i − r_j\|, \|c_i − c_j\|\)/,
    );
  });
  it('logic for a distance table that is not the paper formula; distance-rom accepts it', () => {
    const dist = [0, 1, 2].map((i) => [0, 1, 2].map((j) => 5 - Math.abs(i - j)));
    expect(() => derive({ seqLen: 3, logPe: { mode: 'table', table: dist, impl: 'logic' } })).toThrow(
      /"logPe\.impl": value "logic".*paper formula.*row 0 column 0 \(table 5, formula 2\)/,
    );
    expect(derive({ seqLen: 3, logPe: { mode: 'table', table: dist, impl: 'distance-rom' } }).impl).toBe('distance-rom');
    expect(derive({ seqLen: 3, logPe: { mode: 'table', table: dist } }).impl).toBe('table-rom');
    const paper = [
      [2, 1, 0],
      [1, 2, 1],
      [0, 1, 2],
    ];
    expect(derive({ seqLen: 3, logPe: { mode: 'table', table: paper, impl: 'logic' } }).impl).toBe('logic');
  });
  it('the CLI exits 2 and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-logpe-'));
    const cfg = join(dir, 'cfg.json');
    writeFileSync(cfg, JSON.stringify({ ...base, seqLen: 2, logPe: { mode: 'table', table: [[1, 2], [3, -4]] } }));
    let err = '';
    const code = await main(['generate', cfg, '-o', join(dir, 'out')], { out: () => {}, err: (t) => (err += t) });
    expect(code).toBe(2);
    expect(err).toMatch(/"logPe\.table": value -4 .*row 1 column 1/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

/**
 * At most two designs in flight at once (the machines have 2 cores): enough to overlap
 * one design's single-threaded Yosys or simulation with another's build.
 */

/** A test that builds or synthesises RTL: runs under twoAtATime. */
const rtlIt = (name: string, body: () => Promise<void>) => it(name, () => twoAtATime(body));
/** The same, in the full tier only (`make test-full`): the large sizes. */
const rtlItFull = (name: string, body: () => Promise<void>) => it.skipIf(!FULL)(`${name}${FULL ? '' : FULL_ONLY}`, () => twoAtATime(body));

/** A deterministic table that is a function of neither |i - j| nor (|dr|, |dc|). */
function scrambled(n: number, seed: number): number[][] {
  let x = seed;
  const next = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x >>> 16;
  };
  return Array.from({ length: n }, () => Array.from({ length: n }, () => next() % 13));
}

/** Verilator -Wall lint and Icarus on the whole group, Yosys synth_ice40 on each member's top. */
async function expectGroupPortable(d: GroupDesign, noSynth: string[] = []): Promise<Record<string, SynthReport>> {
  await lintVerilator(d.files, d.topModule);
  await compileIcarus(d.files, d.topModule);
  const reports: Record<string, SynthReport> = {};
  for (const m of d.members) {
    if (noSynth.includes(m.key)) continue;
    const r = await synthesize(d.files, m.module, 'ice40', { cache: true });
    expect(r.luts + r.ffs + r.brams).toBeGreaterThan(0);
    reports[m.key] = r;
  }
  return reports;
}

const paper = (impl: string, extra: Record<string, unknown> = {}) => ({ ...extra, logPe: { impl } });
const three = (extra: Record<string, unknown>) => ({
  logic: paper('logic', extra),
  drom: paper('distance-rom', extra),
  tpaper: paper('table-rom', extra),
});

// Builds, simulations and Yosys runs are separate processes: these tests run concurrently,
// two at a time (twoAtATime).
describe.concurrent('logpe_bias RTL: exhaustive co-simulation of the three implementations, and portability', () => {
  // Members of a group answer the same pairs (every (i, j), corners, random) side by side.
  rtlIt('N = 12: logic, distance-rom, table-rom (paper values and the authors\' table)', async () => {
    const d = biasGroup('lp12', { ...three({ seqLen: 12 }), tauthors: { seqLen: 12, logPe: { mode: 'table', table: 'logpe-seqsnn-N12-torch1.13.json' } } });
    const report = await expectBitExact(d, 10);
    expect(report.measuredCycles).toBe(report.expectedCycles);
    await expectGroupPortable(d);
  });

  rtlItFull('N = 168: logic, distance-rom, table-rom with the authors\' torch 2.x table (block RAM)', async () => {
    const d = biasGroup('lp168', {
      logic: paper('logic', { seqLen: 168 }),
      drom: paper('distance-rom', { seqLen: 168 }),
      tauthors: { seqLen: 168, logPe: { mode: 'table', table: '../logpe-seqsnn-L168-torch2.x.json' } },
    });
    const report = await expectBitExact(d, 10);
    expect(report.measuredCycles).toBe(report.expectedCycles);
    const synth = await expectGroupPortable(d);
    // 168 x 168 x 4 bits in 1024x4 blocks: ceil(28224 / 1024) = 28 SB_RAM40_4K; logic has none.
    expect(synth['tauthors']!.brams).toBe(28);
    expect(synth['logic']!.brams).toBe(0);
    expect(synth['logic']!.luts + synth['logic']!.carries + synth['logic']!.ffs).toBeLessThan(168 * 168 * 4);
  });

  rtlItFull('N = 256: logic, distance-rom, table-rom', async () => {
    const d = biasGroup('lp256', three({ seqLen: 256 }));
    const report = await expectBitExact(d, 4);
    expect(report.values).toBeGreaterThan(3 * 2 * 65536);
    // The 65536-word table ROM takes Yosys about a minute: its cost is in docs/logpe_bias.md.
    await expectGroupPortable(d, ['tpaper']);
  });

  rtlIt('7x7 grid: logic, distance-rom, table-rom (paper values and a table that is not a distance function)', async () => {
    const d = biasGroup('lpg7', {
      ...three({ seqLen: 49, grid: { rows: 7, cols: 7 } }),
      tscrambled: { seqLen: 49, grid: { rows: 7, cols: 7 }, logPe: { mode: 'table', table: scrambled(49, 7) } },
    });
    const report = await expectBitExact(d, 10);
    expect(report.measuredCycles).toBe(report.expectedCycles);
    await expectGroupPortable(d);
  });

  rtlItFull('16x16 grid: logic, distance-rom, table-rom', async () => {
    const d = biasGroup('lpg16', three({ seqLen: 256, grid: { rows: 16, cols: 16 } }));
    await expectBitExact(d, 4);
    await expectGroupPortable(d, ['tpaper']);
  });

  rtlItFull('N = 1 (bias always 0, 1-bit ports) passes the portability gate in every implementation', async () => {
    for (const impl of ['logic', 'distance-rom', 'table-rom']) {
      await expectPortable(design({ ...base, name: `lp1_${impl.replace('-', '_')}`, seqLen: 1, logPe: { impl } }));
    }
  });

  rtlIt('the stand-alone harness: pub_logpe_tab.json passes check --rtl', async () => {
    const vf = loadVectorFile(join(VECTORS_DIR, 'pub_logpe_tab.json'));
    const report = await checkVectorFile(vf, { rtl: true, seed: 3, traceDir: traceDir() });
    expect(report.values).toBe(408);
    expect(report.rtl).not.toBeNull();
  });
});

describe.concurrent('Log-PE lanes core (the XNOR engine\'s contract)', () => {
  it('derives the port widths', () => {
    const g = deriveLogPeLanes(derive({ seqLen: 168 }), 5);
    expect(g).toMatchObject({ lanes: 5, beats: 34, idxWidth: 8, beatWidth: 6, biasWidth: 4, fullLanes: 3, latency: 1 });
    expect(deriveLogPeLanes(derive({ seqLen: 1 }), 1)).toMatchObject({ beats: 1, idxWidth: 1, beatWidth: 1, biasWidth: 1 });
    expect(() => deriveLogPeLanes(derive({ seqLen: 12 }), 13)).toThrow(/"lanes".*1 to seqLen = 12/);
  });

  rtlIt('N = 13, 4 lanes (ragged last beat): every implementation bit-exact on every beat, lint-clean', async () => {
    const d = lanesGroup('ln13', 4, {
      ...three({ seqLen: 13 }),
      tscrambled: { seqLen: 13, logPe: { mode: 'table', table: scrambled(13, 3) } },
    });
    const report = await expectBitExact(d, 0);
    expect(report.measuredCycles).toBe(report.expectedCycles);
    await expectGroupPortable(d);
  });

  rtlItFull('7x7 grid, 3 lanes: every implementation bit-exact on every beat, lint-clean', async () => {
    const d = lanesGroup('lng7', 3, {
      ...three({ seqLen: 49, grid: { rows: 7, cols: 7 } }),
      tscrambled: { seqLen: 49, grid: { rows: 7, cols: 7 }, logPe: { mode: 'table', table: scrambled(49, 5) } },
    });
    await expectBitExact(d, 0);
    await expectGroupPortable(d);
  });
});

describe.concurrent('logpe_bias co-simulation catches broken RTL', () => {
  // The ROM images themselves are checked word for word in test/rom_images.test.ts; this
  // co-simulation of a flipped entry is the slow end-to-end version of the same check.
  rtlItFull('fails when one entry of the N×N table ROM is flipped', async () => {
    const d = design({ ...base, name: 'lp_flip', seqLen: 12, logPe: { mode: 'table', table: 'logpe-seqsnn-N12-torch1.13.json' } });
    const broken = mutate(d, 'lp_flip_logpe_lanes_bank0.mem', (mem) => {
      const lines = mem.split('\n');
      lines[12 * 5 + 7] = (parseInt(lines[12 * 5 + 7]!, 16) ^ 0x1).toString(16); // table[5][7]: 2 -> 3
      return lines.join('\n');
    });
    await expect(expectBitExact(broken, 2)).rejects.toThrow(/bias\[\d+\]: expected 2, got 3/);
  });

  rtlIt('fails when one gate of the priority encoder is wrong', async () => {
    const d = design({ ...base, name: 'lp_gate', seqLen: 12 });
    // An OR into bit 0 of the encoder's output: bit length 4 (the diagonal) becomes 5.
    const broken = mutate(d, 'lp_gate_logpe_bitlen.sv', (sv) => sv.replace("len_o = OutW'(b + 1);", "len_o = OutW'((b + 1) | 1);"));
    await expect(expectBitExact(broken, 2)).rejects.toThrow(/RTL differs from the golden model: .*expected 4, got 5/);
  });

  rtlItFull('fails when the stage ignores back-pressure', async () => {
    const d = design({ ...base, name: 'lp_bp', seqLen: 12, logPe: { impl: 'distance-rom' } });
    const broken = mutate(d, 'lp_bp_logpe_bias.sv', (sv) => sv.replace('assign pair_ready_o = !valid_q || bias_ready_i;', "assign pair_ready_o = 1'b1;"));
    await expect(expectBitExact(broken, 2)).rejects.toThrow(/stalled beat|differs|more beats/);
  });
});
