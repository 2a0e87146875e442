/**
 * XNOR-attention engine generator (SPEC §3): `<name>_xnor_attention`, a streaming engine
 * with a double-buffered key buffer, Gray-PE fused into the popcount (code bits appended
 * to q and k), the Log-PE lanes core added in the pipeline, and one popcount per lane in
 * the architecture the config (or the target) picks.
 *
 * Pipeline (global stall, one beat per clock): issue (stage 0: the Q row is taken with
 * its first beat; the key-buffer word address) → stage 1 operands (Q row + code, key rows
 * read synchronously, Log-PE bias registered by its core) → stage 2 counts → [Log-PE]
 * stage 3 count + bias. Output = the last stage's register.
 */
import { grayModule, renderGray, renderGrayCode } from './gray_rom.js';
import { renderLogPeLanes } from './logpe_bias.js';
import { popcountModule, renderPopcountPlan } from './parts/popcount.js';
import { counterModule, delayModule, renderCounter, renderDelay } from './parts/counter.js';
import { header } from '../src/render/header.js';
import { cycleFormula, enginePopcount, type XnorDerived } from '../src/blocks/xnor_attention/derive.js';
import { xnorAttentionModule } from '../src/blocks/xnor_attention/index.js';
import { grayCodeModule } from '../src/blocks/gray_rom/index.js';
import { logPeLanesModule } from '../src/blocks/logpe_bias/index.js';
import type { BlockGenerator } from './types.js';
import type { GeneratedFile, RenderMeta } from '../src/render/files.js';
import { renderTemplate } from '../src/render/templates.js';


/** Derived parameters in words: the RTL header and describe() share them. */
export function xnorParams(d: XnorDerived): Record<string, string | number> {
  return {
    N: d.seqLen,
    T: d.timesteps,
    D: d.dim,
    Similarity: d.similarity === 'xnor' ? 'xnor: D - popcount(q ^ k)' : 'and: popcount(q & k)',
    G: d.gray
      ? `${d.grayBits} (${d.gray.grid ? `${d.gray.grid.rows}x${d.gray.grid.cols} grid` : d.gray.position} positions)`
      : '0 (Gray-PE off)',
    B_max: d.logPe ? `${d.maxBias} (Log-PE ${d.logPe.mode}, ${d.logPe.impl})` : '0 (Log-PE off)',
    S_max: `${d.maxScore} = D + G + B_max`,
    ScoreWidth: `${d.scoreWidth} = bitlen(S_max)`,
    CountBits: `${d.countBits} = D + G`,
    Lanes: d.lanes,
    BeatsPerRow: `${d.beats} = ceil(N / Lanes)`,
    Popcount: `${d.popcount} (${d.popcountSource === 'auto' ? `auto for target ${d.target}` : 'from config'})`,
    KeyBuffer: `2 banks x ${d.lanes} lanes x ${d.beats} words x ${d.countBits} bits (double-buffered)`,
    PopcountStages: d.popcountStages
      ? `${d.popcountStages} register stage(s) in each popcount (at most ${d.popcountPipe.every} logic levels per clock, the key-buffer read counting as one)`
      : d.popcountPipe.every
        ? `0 (at most ${d.popcountPipe.every} logic levels per clock: the tree fits one clock)`
        : '0 (combinational popcount)',
    ...(d.logPeSplit ? { LogPeStages: '2 (|i - j| registered first, hidden in the popcount stage)' } : {}),
    ...(d.keyWriteReg ? { KeyWrite: 'registered (write enables and data from flip-flops)' } : {}),
    Latency: `${d.latency} = 2${d.popcountStages ? ` + ${d.popcountStages} popcount stage(s)` : ''}${d.logPe ? ' + 1 (count + bias)' : ''} clocks from a beat's issue to score_valid_o`,
    Cycles: cycleFormula(d),
  };
}

export function renderXnorAttention(d: XnorDerived, meta: RenderMeta): GeneratedFile[] {
  const module = xnorAttentionModule(d);
  const files: GeneratedFile[] = [renderCounter(d.name, meta), renderDelay(d.name, meta)];
  const n = d.seqLen;
  const g = d.gray;
  let line: object | null = null;
  let grid: object | null = null;
  if (g && !g.grid) {
    files.push(...renderGrayCode(g, meta));
    line = {
      core: grayCodeModule(g),
      posWidth: g.posWidth,
      lastPos: g.positions - 1,
      what: g.position === 'token' ? 'token positions: P = N' : 'timestep-token positions: P = T*N',
      queryIsPos: g.position === 'token',
    };
  }
  if (g?.grid) {
    files.push(renderGray(d.name, meta));
    grid = { rowBits: g.grid.rowBits, colBits: g.grid.colBits, lastRow: g.grid.rows - 1, lastCol: g.grid.cols - 1, gray: grayModule(d.name) };
  }
  let logPe: object | null = null;
  if (d.logPe && d.logPeLanes) {
    files.push(...renderLogPeLanes(d.logPe, d.lanes, meta, d.logPeSplit));
    // The core's output register is stage 1 (2 when split); the count is registered at
    // stage 2 + PcStages.
    const coreStages = d.logPeSplit ? 2 : 1;
    logPe = { module: logPeLanesModule(d.logPe), biasWidth: d.logPeLanes.biasWidth, coreStages, delay: 2 + d.popcountStages - coreStages };
  }
  // The similarity is counted inside the popcount (AND on the data bits for "and", XNOR
  // on everything else), so a LUT6 counter tree can absorb it into its first level.
  files.push(...renderPopcountPlan(d.name, enginePopcount(d), meta, d.popcountPipe));
  const context = {
    header: header(
      module,
      [
        'XNOR-popcount attention engine (SPEC §3):',
        `S_t[i][j] = ${d.similarity === 'xnor' ? 'D - popcount(q_i ^ k_j)' : 'popcount(q_i & k_j)'}` +
          `${g ? (g.position === 'timestep-token' ? ' + gray_term(t, i, j)' : ' + gray_term(i, j)') : ''}${d.logPe ? ' + bias(i, j)' : ''}, streamed row by row, Lanes scores per beat.`,
        ...(g ? ['Gray-PE fused: the G code bits ride with q and k and are counted by the same popcount (XNOR on the code bits).'] : []),
        'Keys load into one half of a double buffer while the queries read the other; one beat per clock when not stalled.',
      ],
      xnorParams(d),
      meta,
    ),
    module,
    counter: counterModule(d.name),
    delay: delayModule(d.name),
    seqLen: n,
    dim: d.dim,
    rowWidth: d.countBits,
    lanes: d.lanes,
    idxWidth: d.idxWidth,
    addrWidth: d.keyBuffer.addrWidth,
    countWidth: d.countWidth,
    scoreWidth: d.scoreWidth,
    beats: d.beats,
    beatWidth: d.beatWidth,
    laneWidth: d.laneWidth,
    lastLane: d.lastLanes - 1,
    lastKeep: `${d.lanes}'b${'0'.repeat(d.lanes - d.lastLanes)}${'1'.repeat(d.lastLanes)}`,
    latency: d.latency,
    pcStages: d.popcountStages,
    keyWriteReg: d.keyWriteReg ? 1 : 0,
    gray: g ? { bits: g.bits } : null,
    line,
    grid,
    logPe,
    popcountModule: popcountModule(d.name),
    similarityComment:
      d.similarity === 'xnor'
        ? 'Count of matching bits, D + G XNORs: sim + gray_term in one popcount.'
        : g
          ? 'popcount(q & k) on the D data bits + matching code bits (SPEC §1: G - popcount(cq ^ ck)).'
          : 'popcount(q & k) (Spikformer AND similarity).',
  };
  files.push({ path: `${module}.sv`, content: renderTemplate('xnor_attention/xnor_attention.sv.hbs', context), kind: 'sv' });
  return files;
}

export const xnorAttentionGenerator: BlockGenerator<XnorDerived> = { render: renderXnorAttention };
