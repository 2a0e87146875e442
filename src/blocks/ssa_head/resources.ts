/**
 * Resource model of `ssa_head` (SPEC §6; generators/ssa_head.ts), per engine (E = heads / F
 * engines, docs/fpga.md): the XNOR score engine and the LIF stage (their own models, terms
 * prefixed `xa_` and `lif_` so the head gets its own fitted coefficients), the A·V stage —
 * a V buffer of one RAM per lane (three banks of ceil(N/lanes) words of D bits, placed by the
 * target facts), a read stage, D sums of the gated lane scores and D accumulators of OW
 * bits — and, with membranes in memory, the stage that feeds an O row to the neurons L at a
 * time and gathers the spikes back into a row.
 */
import type { SsaDerived } from './derive.js';
import { ssaCyclesPerSequence } from './derive.js';
import { carryBits, carryPerBit, RESOURCES, term, type BlockResourceModel, type EstimateTarget, type Term, type TermsByResource } from '../../targets/cost.js';
import { targetFor } from '../../targets/index.js';
import { planRam, ramPlacement } from '../../parts/ram.js';
import { lifArrayResources } from '../lif_array/resources.js';
import { xnorAttentionResources } from '../xnor_attention/resources.js';

function prefixed(t: TermsByResource, prefix: string, copies: number): TermsByResource {
  const out = {} as TermsByResource;
  for (const r of RESOURCES) out[r] = t[r].map((x) => ({ ...x, name: `${prefix}${x.name}`, value: x.value * copies }));
  return out;
}

function avTerms(s: SsaDerived, target: EstimateTarget): TermsByResource {
  const e = s.fold.engines;
  const lanes = s.xnor.lanes;
  const ice40 = target === 'ice40';
  const v = ramPlacement(planRam('sdp', s.vBuffer.words, s.vBuffer.width), targetFor(target));
  const luts: Term[] = [
    term('av_adders', e * s.dim * lanes * s.sumWidth, 1, 'A·V: lane scores gated by V bits, summed per feature (sumWidth bits)'),
    term('av_acc', e * s.dim * s.oWidth, 1, 'A·V accumulators per feature (restart on a row\'s first beat)'),
    term('av_vbuf_mux', e * lanes * v.muxBits, ice40 ? 0.9 : 0.45, 'V buffer too small for block RAM: read multiplexer'),
    term('av_control', e, 25, 'V bank flags, row, beat and lane counters, read stage'),
  ];
  return {
    luts,
    ffs: [
      term('av_vbuf_ff_bits', e * lanes * (v.ffBits ? v.ffBits + s.dim : 0), 1, 'V buffer in flip-flops (and its read register)'),
      term('av_acc_regs', e * s.dim * s.oWidth, 2, 'accumulator and O register per feature'),
      term('av_stage_regs', e * (lanes * (s.xnor.scoreWidth + 1) + 3), 1, 'read stage: the score beat, keep, last, first'),
      term('av_control_regs', e, 16, 'bank flags and counters'),
    ],
    carries: [term('av_carries', carryBits(target, e * s.dim * (s.oWidth + lanes * s.sumWidth)), carryPerBit(target), 'A·V adders on the carry chain')],
    brams: [term('av_vbuf_tiles', e * lanes * v.brams, 1, 'V buffer RAMs in block RAM tiles (target facts)')],
  };
}

/** The memory LIF stage's row handling (membranes in memory only). */
function rowTerms(s: SsaDerived, target: EstimateTarget): TermsByResource {
  const e = s.fold.engines;
  const mem = s.fold.membranes === 'memory';
  const G = s.fold.groupsPerRow;
  const ice40 = target === 'ice40';
  return {
    luts: [
      term('row_serialise', mem ? e * (G - 1) * s.fold.neuronLanes * s.oWidth : 0, ice40 ? 1 : 0.5, 'O row to the neurons, L features at a time: a G:1 multiplexer per bit'),
      term('row_gather', mem ? e * (s.dim + 2 * s.groupWidth) : 0, 1, 'spike row shift register and group counters'),
    ],
    ffs: [term('row_regs', mem ? e * (s.dim + 2 * s.groupWidth + 1) : 0, 1, 'spike row, group counters, valid')],
    carries: [],
    brams: [],
  };
}

export const ssaHeadResources: BlockResourceModel<SsaDerived> = {
  block: 'ssa_head',
  terms(s, target): TermsByResource {
    const e = s.fold.engines;
    const xa = prefixed(xnorAttentionResources.terms(s.xnor, target), 'xa_', e);
    const lif = prefixed(lifArrayResources.terms(s.lif, target), 'lif_', e);
    const av = avTerms(s, target);
    const rows = rowTerms(s, target);
    const out = {} as TermsByResource;
    for (const r of RESOURCES) out[r] = [...xa[r], ...av[r], ...lif[r], ...rows[r]];
    return out;
  },
  sprams: (s, target) => s.fold.engines * (lifArrayResources.sprams?.(s.lif, target) ?? 0),
  // Whole sequences (all heads, T timesteps) per clock: throughput = Fmax / cyclesPerSequence
  // is sequences per second, the unit folds trade against area (docs/fpga.md).
  rate: (s) => ({ itemsPerCycle: 1 / ssaCyclesPerSequence(s), item: 'sequences' }),
  memoryBits: (s) => s.fold.engines * (xnorAttentionResources.memoryBits(s.xnor) + s.xnor.lanes * s.vBuffer.words * s.vBuffer.width + lifArrayResources.memoryBits(s.lif)),
  calibrationSet() {
    const set: Record<string, unknown>[] = [];
    for (const [seqLen, dim, lanes] of [
      [4, 4, 1],
      [4, 4, 4],
      [8, 4, 2],
      [8, 8, 1],
      [8, 8, 4],
      [12, 8, 3],
      [6, 16, 2],
    ] as const) {
      set.push({ top: 'ssa_head', seqLen, dim, lanes, timesteps: 2, scale: 0.125 });
    }
    set.push({ top: 'ssa_head', seqLen: 8, dim: 8, lanes: 2, timesteps: 2, scale: 0.125, grayPe: { enabled: true }, logPe: { enabled: true } });
    set.push({ top: 'ssa_head', seqLen: 8, dim: 4, lanes: 2, timesteps: 2, scale: 0.125, heads: 2 });
    // Folds: shared engines, membranes in block RAM (several neuron lanes), single-port banks,
    // V buffers and membranes large enough for block RAM.
    const fold = { top: 'ssa_head', timesteps: 4, scale: 0.125 };
    set.push({ ...fold, seqLen: 12, dim: 16, lanes: 2, heads: 2, fold: { headsPerEngine: 2, membranes: 'memory', neuronLanes: 2 } });
    set.push({ ...fold, seqLen: 12, dim: 16, lanes: 4, heads: 4, fold: { headsPerEngine: 2, membranes: 'memory', neuronLanes: 8 } });
    set.push({ ...fold, seqLen: 24, dim: 16, lanes: 1, fold: { membranes: 'memory', neuronLanes: 1 } });
    set.push({ ...fold, seqLen: 24, dim: 32, lanes: 2, fold: { membranes: 'memory', neuronLanes: 4 }, grayPe: { enabled: true } });
    set.push({ ...fold, seqLen: 32, dim: 16, lanes: 2, heads: 2, fold: { headsPerEngine: 2, membranes: 'memory', neuronLanes: 1, memory: 'spram' }, logPe: { enabled: true } });
    set.push({ ...fold, seqLen: 16, dim: 32, lanes: 4, fold: { membranes: 'memory', neuronLanes: 16 }, logPe: { enabled: true } });
    set.push({ ...fold, seqLen: 12, dim: 32, lanes: 3, heads: 2, fold: { headsPerEngine: 1 } });
    return set;
  },
};
