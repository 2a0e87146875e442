/**
 * Resource model of `gray_rom` (SPEC §1): the position→code core and one register stage.
 *
 * What Yosys does with it (measured, see calibration/estimator.json):
 *   - 1-D logic: code = p ^ (p >> 1) is one LUT per index bit; the code register keeps the
 *     non-constant bits only (a code wider than the index has constant-zero top bits).
 *   - A grid with a column count that is not a power of two divides by a constant; synth_ice40
 *     maps that onto carry chains (cost grows with the square of the index width), the generic
 *     LUT6 flow folds it into a few LUTs.
 *   - impl "rom": on iCE40 a ROM of 256 or more entries goes to SB_RAM40_4K (the data
 *     register is absorbed into the RAM); smaller ones, and every ROM on the generic target,
 *     become logic — plain Gray contents fold back into XORs, grid contents cost a LUT tree.
 */
import { targetFor } from '../../targets/index.js';
import type { GrayDerived } from './derive.js';
import { term, terms, type BlockResourceModel, type EstimateTarget, type TermsByResource } from '../../targets/cost.js';

function isPow2(x: number): boolean {
  return (x & (x - 1)) === 0;
}

function inBram(g: GrayDerived, target: EstimateTarget): boolean {
  return g.impl === 'rom' && targetFor(target).romInBram(g.romDepth, g.bits);
}

/** Code bits that are not constant zero: the index width (1-D) or Gr + Gc (grid). */
function liveBits(g: GrayDerived): number {
  return g.grid ? g.grid.rowBits + g.grid.colBits : Math.min(g.bits, g.posWidth);
}

export const grayRomResources: BlockResourceModel<GrayDerived> = {
  block: 'gray_rom',
  terms(g, target): TermsByResource {
    const bram = inBram(g, target);
    const oddGrid = g.grid !== null && !isPow2(g.grid.cols);
    const depth = g.romDepth;
    const lutIndex = bram ? 0 : g.posWidth;
    const divider = g.impl === 'logic' && oddGrid && target === 'ice40' ? g.posWidth * g.posWidth : 0;
    const dividerLut6 = g.impl === 'logic' && oddGrid && target !== 'ice40' ? g.posWidth : 0;
    const romTree = !bram && g.impl === 'rom' && oddGrid ? liveBits(g) * 2 ** Math.max(0, g.posWidth - targetFor(target).lutInputs) : 0;
    const bramBanks = bram ? Math.ceil(depth / 2048) : 0;
    return terms(
      [
        term('index_bits', lutIndex, 1, 'one LUT per index bit for the XOR code (or a folded small ROM)'),
        term('control', 1, 2, 'stream handshake: ready and the register enable'),
        term('grid_divider', divider, 2, 'index / C and index % C by a constant, C not a power of two (iCE40: on carry chains)'),
        term('grid_divider_lut6', dividerLut6, 1, 'the same division folded by the LUT6 mapper'),
        term('rom_lut_tree', romTree, 1, 'a grid ROM in LUTs: live code bits × entries / 2^(LUT inputs)'),
        term('bram_bank_mux', bram ? liveBits(g) * (bramBanks - 1) : 0, 1, 'a mux per code bit between block-RAM banks of 2048 entries'),
      ],
      [
        term('code_reg', bram ? 0 : liveBits(g), 1, 'code register: the non-constant code bits'),
        term('valid', 1, 1, 'valid flag of the register stage'),
        term('bram_bank_sel', bram && bramBanks > 1 ? Math.ceil(Math.log2(bramBanks)) : 0, 1, 'registered bank select after the block RAM'),
      ],
      [term('grid_divider_carry', divider, 1.2, 'carry cells of the constant divider (iCE40)')],
      [term('bram_tiles', bram ? targetFor(target).bramTiles(depth, liveBits(g)) : 0, 1, 'SB_RAM40_4K tiles of the ROM (256×16 … 2048×2 shapes)')],
    );
  },
  rate: () => ({ itemsPerCycle: 1, item: 'codes' }),
  memoryBits: (g) => (g.impl === 'rom' ? g.romDepth * g.bits : 0),
  calibrationSet() {
    const set: Record<string, unknown>[] = [];
    for (const seqLen of [2, 5, 12, 40, 100, 168, 256, 1000, 4096]) {
      for (const impl of ['logic', 'rom']) set.push({ top: 'gray_rom', seqLen, grayPe: { impl } });
    }
    for (const [rows, cols] of [
      [4, 3],
      [8, 8],
      [7, 9],
      [10, 10],
      [12, 14],
      [16, 16],
    ] as const) {
      for (const impl of ['logic', 'rom']) set.push({ top: 'gray_rom', seqLen: rows * cols, grid: { rows, cols }, grayPe: { impl } });
    }
    set.push({ top: 'gray_rom', seqLen: 12, grayPe: { bits: 10 } });
    set.push({ top: 'gray_rom', seqLen: 20, timesteps: 4, grayPe: { position: 'timestep-token' } });
    return set;
  },
};
