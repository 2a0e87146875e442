import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gray, positionCode, grayTerm } from '../src/blocks/gray_rom/model.js';
import { deriveGray } from '../src/blocks/gray_rom/derive.js';
import { resolveConfig } from '../src/io/config-file.js';
import { design, expectBitExact, expectPortable, mutate } from './helpers/design.js';
import { GRAY_4BIT, ones, reflectedGray } from './helpers/independent.js';
import { FULL, FULL_ONLY } from './helpers/tier.js';

const base = { top: 'gray_rom', name: 'gr' } as const;
const derive = (raw: Record<string, unknown>) => deriveGray(resolveConfig({ ...base, ...raw }, '.'));

describe('Gray-PE golden model (SPEC §1)', () => {
  it('is p ^ (p >> 1) on the first codes', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map(gray)).toEqual([0, 1, 3, 2, 6, 7, 5, 4, 12]);
    expect(Array.from({ length: 16 }, (_, p) => gray(p))).toEqual(GRAY_4BIT);
  });

  it('equals the binary-reflected code built by reflection (an independent construction), up to 2^14', () => {
    const codes = reflectedGray(14);
    for (let p = 0; p < codes.length; p++) if (gray(p) !== codes[p]) expect(gray(p), `p = ${p}`).toBe(codes[p]);
  });

  it('Theorem 1: codes 2^k apart differ in 1 bit for k = 0 and in 2 bits for k >= 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1 << 20 }), fc.integer({ min: 0, max: 10 }), (p, k) => {
        const d = ones(gray(p) ^ gray(p + 2 ** k));
        expect(d).toBe(k === 0 ? 1 : 2);
      }),
      { numRuns: 2000 },
    );
  });

  it('lays a grid out as gray(row) << Gc | gray(col)', () => {
    const g = derive({ seqLen: 30, grid: { rows: 5, cols: 6 } });
    expect(g.bits).toBe(6);
    expect(positionCode(g, 7)).toBe((gray(1) << 3) | gray(1));
    expect(positionCode(g, 29)).toBe((gray(4) << 3) | gray(5));
  });

  it('gray_term counts matching bits, per timestep with timestep-token positions', () => {
    const g = derive({ seqLen: 4, timesteps: 3, grayPe: { position: 'timestep-token', bits: 10 } });
    expect(g.positions).toBe(12);
    expect(grayTerm(g, 0, 2, 2)).toBe(10);
    // t = 1: positions 5 and 6 → gray 7 and 5 differ in one bit.
    expect(grayTerm(g, 1, 1, 2)).toBe(9);
  });
});

describe('Gray-PE config rules', () => {
  it('derives the minimum width', () => {
    expect(derive({ seqLen: 12 }).bits).toBe(4);
    expect(derive({ seqLen: 1 }).bits).toBe(1);
    expect(derive({ seqLen: 40, timesteps: 3, grayPe: { position: 'timestep-token' } }).bits).toBe(7);
  });
  it('rejects bits below the minimum, naming the key and the minimum', () => {
    expect(() => derive({ seqLen: 40, grayPe: { bits: 5 } })).toThrow(/grayPe\.bits.*5.*at least 6/);
  });
  it('rejects bits with a grid, and timestep-token with a grid', () => {
    expect(() => derive({ seqLen: 4, grid: { rows: 2, cols: 2 }, grayPe: { bits: 4 } })).toThrow(/grayPe\.bits/);
    expect(() => derive({ seqLen: 4, grid: { rows: 2, cols: 2 }, grayPe: { position: 'timestep-token' } })).toThrow(
      /grayPe\.position/,
    );
  });
  it('rejects a grid whose rows x cols is not seqLen', () => {
    expect(() => derive({ seqLen: 5, grid: { rows: 2, cols: 2 } })).toThrow(/"grid".*must equal seqLen/);
  });
});

describe('gray_rom RTL: exhaustive co-simulation and portability', () => {
  const variants: [string, Record<string, unknown>][] = [
    ['1-D token logic', { seqLen: 37 }],
    ['1-D token rom, bits above minimum', { seqLen: 12, grayPe: { impl: 'rom', bits: 10 } }],
    ['timestep-token logic', { seqLen: 40, timesteps: 3, grayPe: { position: 'timestep-token', bits: 8 } }],
    ['timestep-token rom', { seqLen: 168, timesteps: 4, grayPe: { position: 'timestep-token', impl: 'rom' } }],
    ['7x7 grid logic', { seqLen: 49, grid: { rows: 7, cols: 7 } }],
    ['5x6 grid rom', { seqLen: 30, grid: { rows: 5, cols: 6 }, grayPe: { impl: 'rom' } }],
    ['1x4 grid logic (C = 2^PosWidth)', { seqLen: 4, grid: { rows: 1, cols: 4 } }],
    ['single position', { seqLen: 1 }],
  ];
  it.each(variants)('%s', async (_label, raw) => {
    const d = design({ ...base, name: `gr_${Object.keys(raw).length}`, ...raw });
    const report = await expectBitExact(d, 10);
    // One position per clock: the full-throughput run takes exactly the expected cycles.
    expect(report.measuredCycles).toBe(report.expectedCycles);
    await expectPortable(d);
  });
});

// One mutant in `make test`, all in `make test-full` (each is a Verilator build of its own).
describe('gray_rom co-simulation catches broken RTL', () => {
  it('fails when one bit of one ROM entry is flipped', async () => {
    const d = design({ ...base, name: 'gr_flip', seqLen: 12, grayPe: { impl: 'rom' } });
    const broken = mutate(d, 'gr_flip_gray_code.mem', (mem) => {
      const lines = mem.split('\n');
      lines[5] = (parseInt(lines[5]!, 16) ^ 0x4).toString(16); // code(5): 7 -> 3
      return lines.join('\n');
    });
    // The failure's waveform: the model is rebuilt with waveform support and the run repeated.
    await expect(expectBitExact(broken, 2, 1, { failureWaveform: true })).rejects.toThrow(/codes\[5\]: expected 7, got 3[\s\S]*waveform: .*\.vcd/);
  });

  it.skipIf(!FULL)(`fails when the XOR of the logic implementation becomes an OR${FULL ? '' : FULL_ONLY}`, async () => {
    const d = design({ ...base, name: 'gr_gate', seqLen: 16 });
    // The XOR lives in the Gray part that the code core (and the engine) instantiate.
    const broken = mutate(d, 'gr_gate_gray.sv', (sv) => sv.replace('assign gray_o = bin_i ^ (bin_i >> 1);', 'assign gray_o = bin_i | (bin_i >> 1);'));
    await expect(expectBitExact(broken, 2)).rejects.toThrow(/RTL differs from the golden model/);
  });

  it.skipIf(!FULL)(`fails when the output register ignores back-pressure${FULL ? '' : FULL_ONLY}`, async () => {
    const d = design({ ...base, name: 'gr_bp', seqLen: 16 });
    const broken = mutate(d, 'gr_bp_gray_rom.sv', (sv) => sv.replace('assign pos_ready_o = !valid_q || code_ready_i;', "assign pos_ready_o = 1'b1;"));
    await expect(expectBitExact(broken, 2)).rejects.toThrow(/stalled beat|differs|more beats/);
  });
});
