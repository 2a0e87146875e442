import { describe, expect, it } from 'vitest';
import { deriveLogPe, deriveLogPeLanes } from '../src/blocks/logpe_bias/derive.js';
import { resolveConfig } from '../src/io/config-file.js';
import { portabilityGate } from '../src/tools/portability.js';
import { VECTORS_DIR, expectBitExact, mutate } from './helpers/design.js';
import { lanesDesign } from './helpers/logpe_lanes.js';

const derive = (raw: Record<string, unknown>) => deriveLogPe(resolveConfig({ top: 'logpe_bias', name: 'lp', ...raw }, VECTORS_DIR));

describe('Log-PE lanes core (the XNOR engine\'s contract)', () => {
  it('derives the port widths', () => {
    const g = deriveLogPeLanes(derive({ seqLen: 168 }), 5);
    expect(g).toMatchObject({ lanes: 5, beats: 34, idxWidth: 8, beatWidth: 6, biasWidth: 4, fullLanes: 3, latency: 1 });
    expect(() => deriveLogPeLanes(derive({ seqLen: 12 }), 13)).toThrow(/"lanes".*1 to seqLen = 12/);
  });

  const variants: [string, Record<string, unknown>, number][] = [
    ['logic, N = 13, 4 lanes (ragged last beat)', { name: 'ln_l13', seqLen: 13 }, 4],
    ['distance-rom, N = 13, 4 lanes', { name: 'ln_d13', seqLen: 13, logPe: { impl: 'distance-rom' } }, 4],
    ['table-rom, authors\' N = 12 table, 5 lanes', { name: 'ln_t12', seqLen: 12, logPe: { mode: 'table', table: 'logpe-seqsnn-N12-torch1.13.json' } }, 5],
    ['logic, 7x7 grid, 3 lanes', { name: 'ln_g7', seqLen: 49, grid: { rows: 7, cols: 7 } }, 3],
    ['distance-rom, 7x7 grid, 7 lanes (no tail)', { name: 'ln_gd7', seqLen: 49, grid: { rows: 7, cols: 7 }, logPe: { impl: 'distance-rom' } }, 7],
  ];
  it.each(variants)('%s: every beat bit-exact, lint-clean core', async (_label, raw, lanes) => {
    const d = lanesDesign(raw, lanes);
    const report = await expectBitExact(d, 0);
    expect(report.measuredCycles).toBe(report.expectedCycles);
    await portabilityGate(d.lanesFiles, d.core);
  });
});

describe('Log-PE lanes core co-simulation catches broken RTL', () => {
  it('fails when one entry of one table bank is flipped', async () => {
    const d = lanesDesign({ name: 'ln_flip', seqLen: 12, logPe: { mode: 'table', table: 'logpe-seqsnn-N12-torch1.13.json' } }, 5);
    const broken = mutate(d, 'ln_flip_logpe_lanes_bank2.mem', (mem) => {
      const lines = mem.split('\n');
      // Bank 2, address 1·3 + 1 = 4: bias(1, 7) = 1 becomes 5.
      lines[4] = (parseInt(lines[4]!, 16) ^ 0x4).toString(16);
      return lines.join('\n');
    });
    await expect(expectBitExact(broken, 0)).rejects.toThrow(/RTL differs from the golden model/);
  });
});
