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
 * ROMs of more than this many bits go to SB_RAM40_4K; up to it Yosys 0.23 keeps them in
 * LUTs. Measured on the generated ROMs: a 1024-bit Log-PE ROM (256 × 4) and a 896-bit Gray
 * ROM (128 × 7) stay in LUTs; 1200 bits and up, and a 256 × 8 Gray ROM, go to block RAM.
 */
export const ICE40_ROM_LUT_MAX_BITS = 1024;

/**
 * RAMs (one write port, one registered read port) of at least this many words go to
 * SB_RAM40_4K (measured on the XNOR engine's key buffer: 8 words and up).
 */
export const ICE40_RAM_BRAM_MIN_DEPTH = 8;

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
}

/** Devices nextpnr-ice40 can target here, smallest first. */
export const ICE40_DEVICES: Ice40Device[] = [
  { name: 'hx1k', flags: ['--hx1k'], package: 'tq144', lcs: 1280, brams: 16 },
  { name: 'up5k', flags: ['--up5k'], package: 'sg48', lcs: 5280, brams: 30 },
  { name: 'hx8k', flags: ['--hx8k'], package: 'ct256', lcs: 7680, brams: 32 },
];
export const DEFAULT_ICE40_DEVICE = 'hx8k';

export const ice40: Target = {
  name: 'ice40',
  summary: 'iCE40 (synth_ice40): SB_LUT4, SB_CARRY, SB_DFF*, SB_RAM40_4K',
  lutInputs: 4,
  lutName: 'SB_LUT4',
  bramShapes: ICE40_BRAM_SHAPES,
  romInBram: (depth, width) => depth * width > ICE40_ROM_LUT_MAX_BITS,
  ramInBram: (depth) => depth >= ICE40_RAM_BRAM_MIN_DEPTH,
  bramTiles: ice40Brams,
  lutramLuts: () => 0,
  yosysScript: (top) => `synth_ice40 -top ${top}; tee -q -o stat.json stat -json`,
  summarize: (cells) => ({
    luts: countCells(cells, /^SB_LUT4$/),
    carries: countCells(cells, /^SB_CARRY$/),
    ffs: countCells(cells, /^SB_DFF/),
    brams: countCells(cells, /^SB_RAM40_4K/),
  }),
};
