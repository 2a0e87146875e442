/**
 * Resource model of `logpe_bias` (SPEC §2; generators/logpe_bias.ts): one bias per clock
 * for a stream of (i, j) index pairs, and one register stage.
 *
 * Measured with Yosys 0.23 (calibration/estimator.json): the paper formula costs about
 * eight LUT4 per index bit beyond the first (|i − j|, N − 1 − d and the priority encoder);
 * a distance ROM costs about the same, since its contents are monotone and Yosys folds them;
 * a grid whose column count is not a power of two first divides both indices by C, which
 * dominates (as in gray_rom). A ROM of more than 1024 bits goes to SB_RAM40_4K on iCE40.
 */
import type { LogPeDerived } from '../../blocks/logpe_bias/derive.js';
import { ice40Brams, term, terms, type BlockResourceModel, type TermsByResource } from '../model.js';

/** ROMs above this many bits go to block RAM on iCE40 (measured: 1024 → LUTs, 2048 → BRAM). */
const ICE40_ROM_BRAM_MIN_BITS = 1025;

function isPow2(x: number): boolean {
  return (x & (x - 1)) === 0;
}

function romShape(l: LogPeDerived): { depth: number; bits: number } {
  if (l.impl === 'logic') return { depth: 0, bits: 0 };
  const depth = l.impl === 'distance-rom' ? (l.grid ? 2 ** (l.grid.rowWidth + l.grid.colWidth) : 2 ** l.idxWidth) : l.geometry.seqLen * l.geometry.seqLen;
  return { depth, bits: depth * l.biasWidth };
}

export const logPeBiasModel: BlockResourceModel<LogPeDerived> = {
  block: 'logpe_bias',
  terms(l, target): TermsByResource {
    const ice40 = target === 'ice40';
    const rom = romShape(l);
    const bram = ice40 && rom.bits >= ICE40_ROM_BRAM_MIN_BITS;
    const table = l.impl === 'table-rom';
    const oddGrid = l.grid !== null && !isPow2(l.grid.cols);
    const distBits = l.grid ? Math.max(0, l.grid.rowWidth - 1) + Math.max(0, l.grid.colWidth - 1) : Math.max(0, l.idxWidth - 1);
    return terms(
      [
        term('distance', table ? 0 : distBits, ice40 ? 8 : 3, 'distance |i − j| (per axis on a grid), N − 1 − d and the encoder or folded ROM, per index bit beyond the first'),
        term('grid_divider', oddGrid ? l.idxWidth * l.idxWidth : 0, ice40 ? 2 : 0.5, 'i / C and i % C for both indices, C not a power of two'),
        term('table_rom_luts', table && !bram ? rom.bits / (ice40 ? 16 : 64) : 0, 1, 'table ROM in LUTs: bits / 2^(LUT inputs)'),
        term('rom_addr', table ? 2 * l.idxWidth : 0, 1, 'table ROM address i·N + j'),
        term('control', 1, 2, 'stream handshake'),
      ],
      [term('bias_reg', bram ? 0 : l.biasWidth, 1, 'bias register (inside the RAM when in BRAM)'), term('valid', 1, 1, 'valid flag')],
      [
        term('distance_carries', ice40 && !table ? (l.grid ? l.grid.rowWidth + l.grid.colWidth : l.idxWidth) : 0, 2, 'subtractors on the carry chain'),
        term('grid_divider_carries', ice40 && oddGrid ? l.idxWidth * l.idxWidth : 0, 1.2, 'constant dividers on the carry chain'),
      ],
      [term('rom_tiles', bram ? ice40Brams(rom.depth, l.biasWidth) : 0, 1, 'ROM tiles in SB_RAM40_4K')],
    );
  },
  rate: () => ({ itemsPerCycle: 1, item: 'biases' }),
  memoryBits: (l) => romShape(l).bits,
  calibrationSet() {
    const set: Record<string, unknown>[] = [];
    for (const seqLen of [4, 12, 40, 168, 512]) {
      for (const impl of ['logic', 'distance-rom']) set.push({ top: 'logpe_bias', seqLen, logPe: { enabled: true, impl } });
    }
    for (const seqLen of [12, 40]) set.push({ top: 'logpe_bias', seqLen, logPe: { enabled: true, impl: 'table-rom' } });
    for (const [rows, cols] of [
      [4, 3],
      [8, 8],
      [12, 14],
    ] as const) {
      set.push({ top: 'logpe_bias', seqLen: rows * cols, grid: { rows, cols }, logPe: { enabled: true } });
    }
    return set;
  },
};
