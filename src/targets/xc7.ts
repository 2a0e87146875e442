/**
 * AMD (Xilinx) 7-series (Yosys `synth_xilinx -family xc7`): 6-input LUTs (LUT1 … LUT6 and the
 * dual-output LUT6_2), the CARRY4 chain, FDRE/FDSE/FDCE/FDPE flip-flops, distributed RAM in
 * LUTs (RAM32M, RAM64M, …), RAMB18E1 / RAMB36E1 block RAM and DSP48E1 — the cells Vivado's
 * utilisation report counts, so its users get the numbers they know.
 *
 * The flow is out of context: no I/O buffers and no clock buffer (`-noiopad -noclkbuf`), the
 * design flattened except for `keep_hierarchy` modules (as `synth_ice40` does by default).
 */
import { countCells, tiles, type CellSummary, type RamShape, type Target } from './types.js';

/** RAMB18E1 organisations (simple dual port: 36 bits wide at 512 words). */
export const XC7_RAMB18_SHAPES: readonly RamShape[] = [
  { depth: 16384, width: 1 },
  { depth: 8192, width: 2 },
  { depth: 4096, width: 4 },
  { depth: 2048, width: 9 },
  { depth: 1024, width: 18 },
  { depth: 512, width: 36 },
];
/** RAMB36E1 organisations (simple dual port: 72 bits wide at 512 words). */
export const XC7_RAMB36_SHAPES: readonly RamShape[] = [
  { depth: 32768, width: 1 },
  { depth: 16384, width: 2 },
  { depth: 8192, width: 4 },
  { depth: 4096, width: 9 },
  { depth: 2048, width: 18 },
  { depth: 1024, width: 36 },
  { depth: 512, width: 72 },
];

/**
 * Block RAM a depth × width memory needs, in RAMB18 units (a RAMB36 is two): the cheaper of
 * RAMB18 tiles and RAMB36 tiles. Vivado's "Block RAM Tile" count is half of it.
 */
export function xc7Brams(depth: number, width: number): number {
  if (depth <= 0 || width <= 0) return 0;
  return Math.min(tiles(XC7_RAMB18_SHAPES, depth, width), 2 * tiles(XC7_RAMB36_SHAPES, depth, width));
}

/**
 * Distributed-RAM cells of a RAM with one write port and one read port (simple dual port):
 * RAM32M holds 32 words × 6 bits, RAM64M 64 words × 3 bits, deeper memories take several
 * RAM64M per 3 bits plus a read multiplexer. Each cell is four LUT sites.
 */
export function xc7LutramCells(depth: number, width: number): number {
  return depth <= 32 ? Math.ceil(width / 6) : Math.ceil(depth / 64) * Math.ceil(width / 3);
}

/**
 * LUTs of a distributed RAM: four sites per RAM32M / RAM64M, and past 64 words a read
 * multiplexer (measured 128 × 40: 28 RAM64M + 40 LUT3; 256 × 8: 12 RAM64M + 8 LUT6 + 4 LUT3).
 */
export function xc7LutramLuts(depth: number, width: number): number {
  if (xc7RamInBram(depth, width)) return 0;
  const banks = Math.ceil(depth / 64);
  return 4 * xc7LutramCells(depth, width) + (banks > 1 ? width * Math.ceil((banks - 1) / 3) : 0);
}

/**
 * Yosys 0.23 `memory_libmap` picks the cheaper of distributed RAM (cost 8 per RAM32M/RAM64M)
 * and block RAM (129 per RAMB18, 257 per RAMB36). Measured (one write port, one registered
 * read port with enable): 128 × 8, 256 × 8, 64 × 40 and 128 × 40 go to RAM32M/RAM64M;
 * 512 × 8, 1024 × 8, 256 × 40 and 512 × 40 to one RAMB18E1 / RAMB36E1.
 */
export function xc7RamInBram(depth: number, width: number): boolean {
  const bramCost = Math.min(129 * tiles(XC7_RAMB18_SHAPES, depth, width), 257 * tiles(XC7_RAMB36_SHAPES, depth, width));
  return bramCost < 8 * xc7LutramCells(depth, width);
}

/**
 * ROMs (`$readmemh`, registered read) of more than this many bits go to block RAM; up to it
 * Yosys builds them from LUT6 and MUXF7/MUXF8 (distributed RAM is never used for a ROM).
 * Measured: 512 × 16, 1024 × 8, 2048 × 4 and 4096 × 2 stay in LUTs; 1024 × 10, 2048 × 5 and
 * 4096 × 3 (and everything larger) take a RAMB18E1.
 */
export const XC7_ROM_LUT_MAX_BITS = 8192;

/** LUT sites of the LUT-based cells: distributed RAMs and shift registers count as LUTs in Vivado ("LUT as Memory"). */
const LUTRAM_SITES: Record<string, number> = {
  RAM32M: 4,
  RAM64M: 4,
  RAM32X1D: 2,
  RAM64X1D: 2,
  RAM128X1D: 4,
  RAM32X1S: 1,
  RAM64X1S: 1,
  RAM128X1S: 2,
  RAM256X1S: 4,
  SRL16E: 1,
  SRLC16E: 1,
  SRLC32E: 1,
};

/** The cell counts of a `synth_xilinx` netlist, the way Vivado's utilisation report groups them. */
export function xc7Summary(cells: Record<string, number>): CellSummary {
  // An INV is a LUT1 to Vivado (Yosys leaves inverters it could not absorb as INV cells).
  const lutLogic = countCells(cells, /^(LUT[1-6](_2)?|INV)$/);
  const lutMemory = Object.entries(cells).reduce((n, [k, v]) => n + (LUTRAM_SITES[k] ?? 0) * v, 0);
  const ramb18 = countCells(cells, /^RAMB18E1$/);
  const ramb36 = countCells(cells, /^RAMB36E1$/);
  const details: Record<string, number> = {};
  for (const k of ['LUT1', 'LUT2', 'LUT3', 'LUT4', 'LUT5', 'LUT6', 'LUT6_2', 'INV', 'SRL16E', 'SRLC32E']) details[k] = cells[k] ?? 0;
  details['LUT as logic'] = lutLogic;
  details['LUT as memory'] = lutMemory;
  details['MUXF7'] = cells['MUXF7'] ?? 0;
  details['MUXF8'] = cells['MUXF8'] ?? 0;
  details['RAMB18E1'] = ramb18;
  details['RAMB36E1'] = ramb36;
  details['DSP48E1'] = countCells(cells, /^DSP48E1$/);
  return {
    luts: lutLogic + lutMemory,
    carries: countCells(cells, /^CARRY4$/),
    // Flip-flops and latches (Vivado's "Slice Registers").
    ffs: countCells(cells, /^(FD[RSCP]E(_1)?|LD[CP]E)$/),
    brams: ramb18 + 2 * ramb36,
    details,
  };
}

export const xc7: Target = {
  name: 'xc7',
  summary: 'AMD 7-series (synth_xilinx -family xc7): LUT1-6, CARRY4, FD*, RAMB18E1/RAMB36E1 (in RAMB18 units), DSP48E1',
  lutInputs: 6,
  lutName: 'LUT',
  bramShapes: XC7_RAMB18_SHAPES,
  romInBram: (depth, width) => depth * width > XC7_ROM_LUT_MAX_BITS,
  ramInBram: xc7RamInBram,
  bramTiles: xc7Brams,
  lutramLuts: xc7LutramLuts,
  yosysScript: (top) => `synth_xilinx -family xc7 -top ${top} -flatten -noiopad -noclkbuf`,
  measureDepth: false,
  summarize: xc7Summary,
};
