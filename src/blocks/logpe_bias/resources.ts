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
import { targetFor } from '../../targets/index.js';
import { deriveLogPeLanes, type LogPeDerived } from './derive.js';
import { carryBits, carryPerBit, term, terms, type BlockResourceModel, type EstimateTarget, type Term, type TermsByResource } from '../../targets/cost.js';

function isPow2(x: number): boolean {
  return (x & (x - 1)) === 0;
}

/** The stand-alone block's ROM (one lane), or none. */
function romShape(l: LogPeDerived): { depth: number; bits: number } {
  const rom = deriveLogPeLanes(l, 1).rom;
  return rom ? { depth: rom.depth, bits: rom.depth * rom.width } : { depth: 0, bits: 0 };
}

export const logPeBiasResources: BlockResourceModel<LogPeDerived> = {
  block: 'logpe_bias',
  terms(l, target): TermsByResource {
    const ice40 = target === 'ice40';
    const rom = romShape(l);
    const bram = rom.bits > 0 && targetFor(target).romInBram(rom.depth, l.biasWidth);
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
      [term('rom_tiles', bram ? targetFor(target).bramTiles(rom.depth, l.biasWidth) : 0, 1, 'ROM tiles in SB_RAM40_4K')],
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

/** Log-PE lanes core (`<name>_logpe_lanes`) at `lanes` biases per clock. */
export function logPeLaneTerms(prefix: string, l: LogPeDerived, lanes: number, target: EstimateTarget): { luts: Term[]; ffs: Term[]; carries: Term[]; brams: Term[] } {
  const w = l.biasWidth;
  const logic = l.impl === 'logic';
  // ROM contents: one distance ROM read per lane, or one table bank per lane.
  const rom = deriveLogPeLanes(l, lanes).rom;
  const depth = rom?.depth ?? 0;
  const t = targetFor(target);
  const inBram = rom !== null && t.romInBram(depth, w);
  const romLuts = !logic && !inBram ? lanes * w * Math.max(1, depth / 2 ** t.lutInputs) : 0;
  return {
    luts: [
      term(`${prefix}logpe_logic_idx`, logic ? lanes * l.idxWidth * (l.grid ? 2 : 1) : 0, 4, 'Log-PE logic: |i − j|, N − 1 − d and the priority encoder, per lane and index bit'),
      term(`${prefix}logpe_rom_luts`, romLuts, 1, 'Log-PE ROM kept in LUTs: bias bits × entries / 2^(LUT inputs), per lane'),
      term(`${prefix}logpe_addr`, !logic ? lanes * l.idxWidth : 0, 1, 'Log-PE ROM address arithmetic per lane'),
    ],
    ffs: [term(`${prefix}logpe_regs`, lanes * w, 1, 'registered bias per lane')],
    carries: [term(`${prefix}logpe_carries`, carryBits(target, lanes * l.idxWidth * (logic ? 2 : 1)), carryPerBit(target), 'Log-PE subtractors on the carry chain')],
    brams: [term(`${prefix}logpe_brams`, inBram ? lanes * t.bramTiles(depth, w) : 0, 1, 'Log-PE ROM in SB_RAM40_4K, per lane')],
  };
}
