/**
 * Log-PE generator (SPEC §2).
 *
 *   `<name>_logpe_lanes`  the registered core: Lanes biases bias(i, j0 + l) per clock, by
 *                         logic (priority encoder), a distance ROM, or an N×N table ROM
 *                         (one bank per lane). The XNOR engine instantiates it.
 *   `<name>_logpe_bitlen` the priority encoder the logic implementation uses.
 *   `<name>_logpe_bias`   `top: "logpe_bias"`: the core with Lanes = 1 behind a
 *                         valid/ready pair stream; one pair per clock, latency 1.
 */
import { deriveLogPeLanes, type LogPeDerived, type LogPeLanes } from '../src/blocks/logpe_bias/derive.js';
import { logPeBias } from '../src/blocks/logpe_bias/model.js';
import { bitlen, clog2 } from '../src/core/bits.js';
import type { GeneratedFile, RenderMeta } from '../src/blocks/types.js';
import { renderTemplate } from '../src/render/templates.js';
import { header, memFile } from './header.js';

export function logPeLanesModule(l: LogPeDerived): string {
  return `${l.name}_logpe_lanes`;
}
export function logPeBitlenModule(l: LogPeDerived): string {
  return `${l.name}_logpe_bitlen`;
}
export function logPeBiasModule(l: LogPeDerived): string {
  return `${l.name}_logpe_bias`;
}

/** SB_RAM40_4K is 4096 bits, organised 256×16, 512×8, 1024×4 or 2048×2. */
function ice40Blocks(depth: number, width: number): number {
  const shapes = [
    { words: 2048, bits: 2 },
    { words: 1024, bits: 4 },
    { words: 512, bits: 8 },
    { words: 256, bits: 16 },
  ];
  return Math.min(...shapes.map((s) => Math.ceil(depth / s.words) * Math.ceil(width / s.bits)));
}

/**
 * ROMs up to this many bits stay in LUTs; larger registered-read ROMs become SB_RAM40_4K.
 * Measured with Yosys 0.23 `synth_ice40` on this generator's ROMs: 867 and 1024 bits
 * stayed in LUTs, 1200 bits and up went to block RAM (docs/logpe_bias.md).
 */
export const BRAM_MIN_BITS = 1024;

/** What memory an implementation needs, in words for the manifest and the RTL header. */
export function logPeMemory(l: LogPeDerived, lanes: number): string {
  const w = l.biasWidth;
  if (l.impl === 'logic') return 'none (subtract, priority encoder; no memory)';
  const where = (bits: number, depth: number, unit: string) =>
    bits <= BRAM_MIN_BITS
      ? 'small enough that Yosys synth_ice40 keeps it in LUTs'
      : `Yosys synth_ice40 infers block RAM: at most ${ice40Blocks(depth, w)} SB_RAM40_4K per ${unit} (1024x4 or 2048x2 organisation; Yosys may pack tighter)`;
  if (l.impl === 'distance-rom') {
    const depth = distanceRomDepth(l);
    return `distance ROM ${depth}x${w} bits, registered read, ${lanes} read port(s) (a copy per port in block RAM): ${where(depth * w, depth, 'copy')}`;
  }
  const depth = l.geometry.seqLen * Math.ceil(l.geometry.seqLen / lanes);
  return `table ROM, ${lanes} bank(s) of ${depth}x${w} bits (${lanes * depth * w} bits), registered read: ${where(depth * w, depth, 'bank')}`;
}

/** Depth of the distance ROM: every |i − j| (1-D), or every {|dr|, |dc|} (grid), padded to a power of two. */
function distanceRomDepth(l: LogPeDerived): number {
  return l.grid ? 2 ** (l.grid.rowWidth + l.grid.colWidth) : 2 ** l.idxWidth;
}

function distanceRomValues(l: LogPeDerived): number[] {
  const depth = distanceRomDepth(l);
  if (!l.grid) {
    // Entry d: the bias of (0, d), which holds for every pair at distance d.
    return Array.from({ length: depth }, (_, d) => (d < l.geometry.seqLen ? logPeBias(l, 0, d) : 0));
  }
  const { rows, cols, colWidth } = l.grid;
  return Array.from({ length: depth }, (_, a) => {
    const dr = a >> colWidth;
    const dc = a & ((1 << colWidth) - 1);
    return dr < rows && dc < cols ? logPeBias(l, 0, dr * cols + dc) : 0;
  });
}

/** Bank `lane` of the table ROM: address i·beats + b holds bias(i, b·lanes + lane). */
function tableBankValues(l: LogPeDerived, g: LogPeLanes, lane: number): number[] {
  const n = l.geometry.seqLen;
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < g.beats; b++) {
      const j = b * g.lanes + lane;
      values.push(j < n ? logPeBias(l, i, j) : 0);
    }
  }
  return values;
}

function laneParams(l: LogPeDerived, g: LogPeLanes): Record<string, string | number> {
  const n = l.geometry.seqLen;
  return {
    Mode:
      l.mode === 'paper'
        ? l.grid
          ? `paper, ${l.grid.rows}x${l.grid.cols} grid: bitlen(R-1-|dr|) + bitlen(C-1-|dc|)`
          : 'paper: bitlen(N-1-|i-j|)'
        : `table ${l.tableSource ?? 'inline'}`,
    Impl: l.impl,
    N: n,
    Lanes: g.lanes,
    Beats: `${g.beats} = ceil(N / Lanes)`,
    IdxW: `${g.idxWidth} = max(1, clog2(N))`,
    BeatW: `${g.beatWidth} = max(1, clog2(Beats))`,
    BiasW: `${g.biasWidth} = max(1, bitlen(${l.maxBias}))`,
    Memory: logPeMemory(l, g.lanes),
    Latency: '1 clock from the en_i edge that samples the inputs',
  };
}

/** The lanes core (and its encoder or ROM images) for `lanes` biases per clock. */
export function renderLogPeLanes(l: LogPeDerived, lanes: number, meta: RenderMeta): GeneratedFile[] {
  const g = deriveLogPeLanes(l, lanes);
  const module = logPeLanesModule(l);
  const n = l.geometry.seqLen;
  const files: GeneratedFile[] = [];
  // The ROM-free and distance implementations mask the lanes past N - 1 on the last beat;
  // the table banks hold 0 there instead.
  const tail = l.impl !== 'table-rom' && g.fullLanes < g.lanes ? { fullLanes: g.fullLanes, lastBeat: g.beats - 1 } : null;
  // kb_i is consumed only by the table ROM and the tail mask; kj_i by everything else.
  const unusedPort = l.impl === 'table-rom' ? 'kj' : tail ? null : 'kb';

  let distance1d: { depth: number; memFile: string } | null = null;
  let grid: object | null = null;
  let tableRom: object | null = null;
  const memName = `${module}.mem`;
  if (l.impl === 'distance-rom') {
    files.push({ path: memName, content: memFile(distanceRomValues(l), l.biasWidth), kind: 'mem' });
  }
  if (l.grid && l.impl !== 'table-rom') {
    grid = {
      rows: l.grid.rows,
      cols: l.grid.cols,
      rowWidth: l.grid.rowWidth,
      colWidth: l.grid.colWidth,
      extWidth: l.idxWidth + 1,
      logic:
        l.impl === 'logic'
          ? {
              rowLenWidth: bitlen(l.grid.rowWidth),
              colLenWidth: bitlen(l.grid.colWidth),
              lastRow: l.grid.rows - 1,
              lastCol: l.grid.cols - 1,
            }
          : null,
      rom: l.impl === 'distance-rom' ? { depth: distanceRomDepth(l), memFile: memName } : null,
    };
  } else if (l.impl === 'distance-rom') {
    distance1d = { depth: distanceRomDepth(l), memFile: memName };
  }
  if (l.impl === 'table-rom') {
    const depth = n * g.beats;
    const banks = Array.from({ length: g.lanes }, (_, lane) => ({ lane, memFile: `${module}_bank${lane}.mem` }));
    for (const b of banks) {
      files.push({ path: b.memFile, content: memFile(tableBankValues(l, g, b.lane), l.biasWidth), kind: 'mem' });
    }
    tableRom = { addrWidth: Math.max(1, clog2(depth)), depth, beats: g.beats, banks };
  }

  const context = {
    header: header(
      module,
      [
        'Log-PE bias lanes (SPEC §2): bias_o lane l = bias(qi_i, kj_i + l), registered, loaded when en_i = 1.',
        'kj_i is a multiple of Lanes and kb_i = kj_i / Lanes; lanes with kj_i + l >= N give 0.',
      ],
      laneParams(l, g),
      meta,
    ),
    module,
    bitlen: logPeBitlenModule(l),
    lanes: g.lanes,
    idxWidth: g.idxWidth,
    beatWidth: g.beatWidth,
    biasWidth: g.biasWidth,
    outWidth: g.lanes * g.biasWidth,
    tail,
    unusedPort,
    logic1d: l.impl === 'logic' && !l.grid ? { last: n - 1 } : null,
    grid,
    distance1d,
    tableRom,
  };
  files.unshift({ path: `${module}.sv`, content: renderTemplate('logpe_bias/logpe_lanes.sv.hbs', context), kind: 'sv' });
  if (l.impl === 'logic') {
    const bitlenModule = logPeBitlenModule(l);
    files.unshift({
      path: `${bitlenModule}.sv`,
      content: renderTemplate('logpe_bias/logpe_bitlen.sv.hbs', {
        header: header(
          bitlenModule,
          ['Bit length of an unsigned value (SPEC §0 bitlen): the position of its highest set bit, plus one; 0 for 0.'],
          { InW: 'input width (parameter)', OutW: 'output width (parameter), at least bitlen(InW)' },
          meta,
        ),
        module: bitlenModule,
      }),
      kind: 'sv',
    });
  }
  return files;
}

/** `top: "logpe_bias"`: the core with one lane behind the pair/bias streams. */
export function renderLogPeBias(l: LogPeDerived, meta: RenderMeta): GeneratedFile[] {
  const g = deriveLogPeLanes(l, 1);
  const module = logPeBiasModule(l);
  const context = {
    header: header(
      module,
      [
        'Log-PE bias (SPEC §2) with a valid/ready stream on each side: pair (qi, kj) in, bias(qi, kj) out.',
        'One register stage (the core\'s output register): latency 1 cycle, one pair per clock when not stalled.',
      ],
      { ...laneParams(l, g), Latency: 1 },
      meta,
    ),
    module,
    core: logPeLanesModule(l),
    idxWidth: l.idxWidth,
    biasWidth: l.biasWidth,
  };
  return [
    ...renderLogPeLanes(l, 1, meta),
    { path: `${module}.sv`, content: renderTemplate('logpe_bias/logpe_bias.sv.hbs', context), kind: 'sv' },
  ];
}
