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
import { logPeBiasModule, logPeLanesModule, logPeMemory } from '../src/blocks/logpe_bias/index.js';
import type { BlockGenerator } from './types.js';
import { logPeBias } from '../src/blocks/logpe_bias/model.js';
import type { GeneratedFile, RenderMeta } from '../src/render/files.js';
import { renderTemplate } from '../src/render/templates.js';
import { header, memFile } from '../src/render/header.js';

export function logPeBitlenModule(l: LogPeDerived): string {
  return `${l.name}_logpe_bitlen`;
}

/** Distance ROM contents: entry d (1-D) or {dr, dc} (grid) holds the bias at that distance. */
function distanceRomValues(l: LogPeDerived, depth: number): number[] {
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

function laneParams(l: LogPeDerived, g: LogPeLanes, split = false): Record<string, string | number> {
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
    Latency: split ? '2 clocks (|i - j| registered first) from the en_i edge that samples the inputs' : '1 clock from the en_i edge that samples the inputs',
  };
}

/**
 * The lanes core (and its encoder or ROM images) for `lanes` biases per clock. `split`
 * (1-D logic only): two register stages, the distance first (the engine asks for it when a
 * popcount stage leaves room, for clock speed).
 */
export function renderLogPeLanes(l: LogPeDerived, lanes: number, meta: RenderMeta, split = false): GeneratedFile[] {
  if (split && (l.impl !== 'logic' || l.grid)) throw new Error('a two-stage Log-PE core exists for 1-D logic only');
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
    files.push({ path: memName, content: memFile(distanceRomValues(l, g.rom!.depth), l.biasWidth), kind: 'mem' });
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
              rowLenWidth: l.grid.rowLenWidth,
              colLenWidth: l.grid.colLenWidth,
              lastRow: l.grid.rows - 1,
              lastCol: l.grid.cols - 1,
            }
          : null,
      rom: l.impl === 'distance-rom' ? { depth: g.rom!.depth, memFile: memName } : null,
    };
  } else if (l.impl === 'distance-rom') {
    distance1d = { depth: g.rom!.depth, memFile: memName };
  }
  if (l.impl === 'table-rom') {
    const depth = g.rom!.depth;
    const banks = Array.from({ length: g.lanes }, (_, lane) => ({ lane, memFile: `${module}_bank${lane}.mem` }));
    for (const b of banks) {
      files.push({ path: b.memFile, content: memFile(tableBankValues(l, g, b.lane), l.biasWidth), kind: 'mem' });
    }
    tableRom = { addrWidth: g.rom!.addrWidth, depth, beats: g.beats, banks };
  }

  const context = {
    header: header(
      module,
      [
        `Log-PE bias lanes (SPEC §2): bias_o lane l = bias(qi_i, kj_i + l), registered${split ? ' twice' : ''}, loaded when en_i = 1.`,
        'kj_i is a multiple of Lanes and kb_i = kj_i / Lanes; lanes with kj_i + l >= N give 0.',
      ],
      laneParams(l, g, split),
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
    logic1d: l.impl === 'logic' && !l.grid ? { last: n - 1, split } : null,
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

export const logPeBiasGenerator: BlockGenerator<LogPeDerived> = { render: renderLogPeBias };
