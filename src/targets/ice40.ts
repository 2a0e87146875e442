/**
 * Lattice iCE40 (Yosys `synth_ice40`): 4-input LUTs with a carry chain (SB_LUT4, SB_CARRY),
 * flip-flops (SB_DFF*), 4-kbit block RAMs (SB_RAM40_4K) and, on the UP5K, SB_SPRAM256KA.
 */
import { countCells, tiles, type RamShape, type Target } from './types.js';

/** SB_RAM40_4K is 4096 bits, organised 256×16, 512×8, 1024×4 or 2048×2. */
export const ICE40_BRAM_SHAPES: readonly RamShape[] = [
  { depth: 256, width: 16 },
  { depth: 512, width: 8 },
  { depth: 1024, width: 4 },
  { depth: 2048, width: 2 },
];

/**
 * Yosys 0.23's memory mapper picks the cheaper of logic and SB_RAM40_4K by its cost model
 * (measured at the edges of both rules): logic costs 1 per RAM bit and 1/16 per ROM bit
 * (LUT ROMs are cheap), a block RAM 64 per tile + 2. So a RAM goes to block RAM when
 * bits > 66 per tile it needs (8 x 8 and 33 x 2 stay in flip-flops; 17 x 4, 8 x 9, 128 x 1
 * take one), a ROM when bits / 16 > 64 per tile + 2, i.e. above 1056 bits for one tile
 * (1024 x 1, 64 x 16, 129 x 8 stay in LUTs; 128 x 16, 256 x 8, 2048 x 1 take one).
 */
export const ICE40_BRAM_TILE_COST = 64;
export const ICE40_BRAM_FIXED_COST = 2;

/** SB_SPRAM256KA (UP5K only): 16K words of 16 bits; deeper or wider memories tile it. */
export const ICE40_SPRAM_SHAPE: RamShape = { depth: 16384, width: 16 };

export function ice40Sprams(depth: number, width: number): number {
  return tiles([ICE40_SPRAM_SHAPE], depth, width);
}

export function ice40Brams(depth: number, width: number): number {
  return tiles(ICE40_BRAM_SHAPES, depth, width);
}

/** An iCE40 device nextpnr-ice40 can place on. */
export interface Ice40Device {
  name: string;
  /** nextpnr-ice40 flags selecting it. */
  flags: string[];
  package: string;
  /** Logic cells (one LUT4 + one DFF + one carry each) and 4-kbit block RAMs. */
  lcs: number;
  brams: number;
  /** SB_SPRAM256KA blocks (0 but on the UP5K). */
  sprams: number;
  /** Options of `synth_ice40` for this device: the UP5K's `-device u -spram` maps single-port RAMs to SPRAM. */
  yosysFlags: string[];
}

/**
 * Logic cells nextpnr-ice40 packs a design into (one LUT4 + one DFF + one carry per cell),
 * estimated from Yosys's counts: every LUT takes a cell, a flip-flop fed by anything else
 * than its own LUT and a carry that cannot share its cell with the sum LUT take one more.
 * Coefficients fitted to the place-and-route runs of docs/fpga.md.
 */
export const ICE40_LC_PER = { lut: 1, ff: 0.9, carry: 0.1 } as const;

export function ice40LogicCells(luts: number, ffs: number, carries: number): number {
  return Math.max(luts, ffs, carries, Math.round(ICE40_LC_PER.lut * luts + ICE40_LC_PER.ff * ffs + ICE40_LC_PER.carry * carries));
}

/** Devices nextpnr-ice40 can target here, smallest first. */
export const ICE40_DEVICES: Ice40Device[] = [
  { name: 'hx1k', flags: ['--hx1k'], package: 'tq144', lcs: 1280, brams: 16, sprams: 0, yosysFlags: [] },
  { name: 'up5k', flags: ['--up5k'], package: 'sg48', lcs: 5280, brams: 30, sprams: 4, yosysFlags: ['-device', 'u', '-spram'] },
  { name: 'hx8k', flags: ['--hx8k'], package: 'ct256', lcs: 7680, brams: 32, sprams: 0, yosysFlags: [] },
];
export const DEFAULT_ICE40_DEVICE = 'hx8k';

export const ice40: Target = {
  name: 'ice40',
  summary: 'iCE40 (synth_ice40): SB_LUT4, SB_CARRY, SB_DFF*, SB_RAM40_4K',
  lutInputs: 4,
  lutName: 'SB_LUT4',
  bramShapes: ICE40_BRAM_SHAPES,
  romInBram: (depth, width) => (depth * width) / 16 > ICE40_BRAM_TILE_COST * ice40Brams(depth, width) + ICE40_BRAM_FIXED_COST,
  ramInBram: (depth, width) => depth * width > (ICE40_BRAM_TILE_COST + ICE40_BRAM_FIXED_COST) * ice40Brams(depth, width),
  bramTiles: ice40Brams,
  lutramLuts: () => 0,
  yosysScript: (top, flags = '') => `synth_ice40 ${flags ? `${flags} ` : ''}-top ${top}`,
  measureDepth: false,
  summarize: (cells) => ({
    luts: countCells(cells, /^SB_LUT4$/),
    carries: countCells(cells, /^SB_CARRY$/),
    ffs: countCells(cells, /^SB_DFF/),
    brams: countCells(cells, /^SB_RAM40_4K/),
    sprams: countCells(cells, /^SB_SPRAM256KA$/),
  }),
};
