/**
 * Resource model of `ssa_head` (SPEC §6; generators/ssa_head.ts): per head, the XNOR score
 * engine and the LIF array (their own models, terms prefixed `xa_` and `lif_` so the head
 * gets its own fitted coefficients), plus the A·V stage: a three-bank V buffer of
 * 3·rowsPad rows × D bits read `lanes` rows per clock, and D accumulators of OW bits that
 * add the lane scores gated by the V bits.
 */
import type { SsaDerived } from './derive.js';
import { carryBits, carryPerBit, RESOURCES, term, type BlockResourceModel, type EstimateTarget, type Term, type TermsByResource } from '../../targets/cost.js';
import { lifArrayResources } from '../lif_array/resources.js';
import { xnorAttentionResources } from '../xnor_attention/resources.js';

function prefixed(t: TermsByResource, prefix: string, copies: number): TermsByResource {
  const out = {} as TermsByResource;
  for (const r of RESOURCES) out[r] = t[r].map((x) => ({ ...x, name: `${prefix}${x.name}`, value: x.value * copies }));
  return out;
}

function avTerms(s: SsaDerived, target: EstimateTarget): TermsByResource {
  const h = s.heads;
  const lanes = s.xnor.lanes;
  const rows = 3 * s.rowsPad;
  const ice40 = target === 'ice40';
  const luts: Term[] = [
    term('av_read_mux', h * lanes * s.dim * Math.log2(Math.max(2, rows)), ice40 ? 1 : 0.4, 'V buffer read: per head, lane, feature and address bit'),
    term('av_adders', h * s.dim * lanes * s.xnor.scoreWidth, 1, 'A·V: lane scores gated by V bits, summed per feature'),
    term('av_acc', h * s.dim * s.oWidth, 1, 'A·V accumulators per feature'),
    term('av_control', h, 20, 'V bank flags and row counters'),
  ];
  return {
    luts,
    ffs: [
      term('av_vbuf_bits', h * rows * s.dim, 1, 'V buffer: three banks of rowsPad × D bits'),
      term('av_acc_regs', h * s.dim * s.oWidth, 2, 'accumulator and O register per feature'),
      term('av_control_regs', h, 12, 'bank flags and row counters'),
    ],
    carries: [term('av_carries', carryBits(target, h * s.dim * (s.oWidth + lanes * s.xnor.scoreWidth)), carryPerBit(target), 'A·V adders on the carry chain')],
    brams: [],
  };
}

export const ssaHeadResources: BlockResourceModel<SsaDerived> = {
  block: 'ssa_head',
  terms(s, target): TermsByResource {
    const xa = prefixed(xnorAttentionResources.terms(s.xnor, target), 'xa_', s.heads);
    const lif = prefixed(lifArrayResources.terms(s.lif, target), 'lif_', s.heads);
    const av = avTerms(s, target);
    const out = {} as TermsByResource;
    for (const r of RESOURCES) out[r] = [...xa[r], ...av[r], ...lif[r]];
    return out;
  },
  // Scores per clock of all heads (each spike row follows from N scores per feature).
  rate: (s) => ({ itemsPerCycle: s.heads * xnorAttentionResources.rate(s.xnor).itemsPerCycle, item: 'scores' }),
  memoryBits: (s) => s.heads * (xnorAttentionResources.memoryBits(s.xnor) + 3 * s.rowsPad * s.dim + lifArrayResources.memoryBits(s.lif)),
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
    return set;
  },
};
