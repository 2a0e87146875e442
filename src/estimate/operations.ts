/**
 * Operations and energy per inference, the way SNN papers report them (docs/energy.md):
 * per sequence (one inference: T timesteps), how many operations of each kind the design's
 * arithmetic performs — from its derived parameters and, where a count depends on the data,
 * the spike rate of the spike tensor it depends on — and their energy from the 45 nm
 * per-operation figures of src/estimate/energy.ts.
 *
 * What an operation is, per block:
 *   xnor_attention  per score: D + G bit operations (an XNOR or AND of a q and a k bit and its
 *                   count in the popcount; G = Gray-PE code bits, which the engine appends to
 *                   q and k), and one bias add with Log-PE. N² scores per timestep. No count
 *                   depends on the data: the engine computes every bit.
 *   ssa_head        per head: the engine's operations, then A·V: O[i][c] += S[i][j] for every
 *                   V spike v_j[c] = 1, i.e. N synaptic accumulates per V spike (T·N·N·D·r_v per
 *                   sequence at V spike rate r_v), then one LIF update per (i, c) and timestep.
 *   lif_array       one LIF update per neuron and timestep (the input current is a number, not
 *                   a spike: its add is the update's charge).
 *   gray_rom, logpe_bias  none: position lookups, no arithmetic per inference.
 * A LIF update is 3 adds of the membrane width W (charge, leak, threshold compare).
 *
 * Spike rates come from data (`check` measures them on a vector file's inputs and the model's
 * outputs) or, without data, from an assumed rate, and the result says which.
 */
import type { BlockName } from '../base/config.js';
import type { LifDerived } from '../blocks/lif_array/derive.js';
import type { SsaDerived } from '../blocks/ssa_head/derive.js';
import type { XnorDerived } from '../blocks/xnor_attention/derive.js';
import { addPj, BIT_OP_PJ, LIF_ADDS_PER_UPDATE, roundPj } from './energy.js';

/** Spike rate assumed for a count that depends on data when no data is given (docs/energy.md). */
export const DEFAULT_SPIKE_RATE = 0.2;

export type OpKind = 'bit' | 'sop' | 'add' | 'update';

export const OP_KINDS: Record<OpKind, string> = {
  bit: 'bit operations: XNOR (or AND) of a q and a k bit and its count in the popcount, D + G per score',
  sop: 'synaptic accumulates (SOPs): A·V adds S[i][j] into O[i][c] for every V spike v_j[c] = 1',
  add: 'adds: the Log-PE bias, one per score',
  update: `LIF neuron updates, one per neuron and timestep (${LIF_ADDS_PER_UPDATE} adds of the membrane width each)`,
};

export interface OpCount {
  kind: OpKind;
  /** Operations per sequence (not rounded: a rate-dependent count is an expectation). */
  count: number;
  /** Energy of one, pJ (45 nm: src/estimate/energy.ts). */
  pjEach: number;
  /** Width of one add, bits (null for bit operations). */
  width: number | null;
}

/** A spike tensor's rate, and where it comes from. */
export interface SpikeRate {
  /** Tensor: q, k, v (inputs), y (the output spikes). */
  name: string;
  rate: number;
  /** Whether an operation count depends on it. */
  used: boolean;
}

export interface OperationsEstimate {
  block: BlockName;
  /** One sequence = one inference of T timesteps (one case of a vector file). */
  timesteps: number;
  /** "assumed": DEFAULT_SPIKE_RATE (or the rate given) without data; "measured": from a vector file. */
  ratesSource: 'assumed' | 'measured';
  /** What the rates are: "assumed V spike rate 0.2 (no data)" or "measured on 12 cases of f.json". */
  ratesNote: string;
  rates: SpikeRate[];
  counts: OpCount[];
  /** Synaptic accumulates per sequence (the SOPs of SNN papers). */
  synapticOps: number;
  totalOps: number;
  /** Σ count × pJ, per sequence: an estimate of the arithmetic's energy, not of the FPGA. */
  energyPj: number;
}

/** The rates an estimate uses: v (ssa_head) from `rates`, else the default. */
export interface RateInput {
  /** Measured or assumed rates by tensor name. */
  rates: Record<string, number>;
  source: 'assumed' | 'measured';
  note: string;
}

export function assumedRates(rate = DEFAULT_SPIKE_RATE): RateInput {
  return { rates: { v: rate }, source: 'assumed', note: `assumed V spike rate ${rate} (no data; \`spikeforge check FILE\` measures it)` };
}

function engineCounts(x: XnorDerived, scores: number): OpCount[] {
  const counts: OpCount[] = [{ kind: 'bit', count: scores * x.countBits, pjEach: BIT_OP_PJ, width: null }];
  if (x.logPe) counts.push({ kind: 'add', count: scores, pjEach: addPj(x.scoreWidth), width: x.scoreWidth });
  return counts;
}

function lifCounts(updates: number, width: number): OpCount {
  return { kind: 'update', count: updates, pjEach: LIF_ADDS_PER_UPDATE * addPj(width), width };
}

type Counter<D> = { uses: string[]; counts: (d: D, rates: Record<string, number>) => OpCount[]; timesteps: (d: D) => number } | null;

const COUNTERS = {
  gray_rom: null,
  logpe_bias: null,
  xnor_attention: {
    uses: [],
    counts: (x: XnorDerived) => engineCounts(x, x.timesteps * x.seqLen * x.seqLen),
    timesteps: (x: XnorDerived) => x.timesteps,
  },
  lif_array: {
    uses: [],
    counts: (l: LifDerived) => [lifCounts(l.timesteps * l.neurons, l.width)],
    timesteps: (l: LifDerived) => l.timesteps,
  },
  ssa_head: {
    uses: ['v'],
    counts: (s: SsaDerived, rates: Record<string, number>): OpCount[] => {
      const { seqLen: n, dim: d, timesteps: t, heads: h } = s;
      const rv = rates['v'] ?? 0;
      const engine = engineCounts(s.xnor, h * t * n * n);
      return [
        ...engine.filter((c) => c.kind === 'bit'),
        { kind: 'sop', count: h * t * n * n * d * rv, pjEach: addPj(s.oWidth), width: s.oWidth },
        ...engine.filter((c) => c.kind !== 'bit'),
        lifCounts(h * t * n * d, s.lif.width),
      ];
    },
    timesteps: (s: SsaDerived) => s.timesteps,
  },
} satisfies { [B in BlockName]: Counter<never> | Counter<XnorDerived> | Counter<LifDerived> | Counter<SsaDerived> };

/**
 * Operations and energy per sequence for a block's derived parameters; null for a block
 * without arithmetic per inference (gray_rom, logpe_bias).
 */
export function operationsPerSequence(block: BlockName, derived: unknown, rates: RateInput = assumedRates()): OperationsEstimate | null {
  const counter = COUNTERS[block] as Counter<unknown>;
  if (!counter) return null;
  const counts = counter.counts(derived, rates.rates).map((c) => ({ ...c, pjEach: roundPj(c.pjEach) }));
  const sum = (f: (c: OpCount) => number) => counts.reduce((n, c) => n + f(c), 0);
  return {
    block,
    timesteps: counter.timesteps(derived),
    ratesSource: rates.source,
    ratesNote: rates.note,
    rates: Object.entries(rates.rates).map(([name, rate]) => ({ name, rate: round4(rate), used: counter.uses.includes(name) })),
    counts: counts.map((c) => ({ ...c, count: round2(c.count) })),
    synapticOps: round2(sum((c) => (c.kind === 'sop' ? c.count : 0))),
    totalOps: round2(sum((c) => c.count)),
    energyPj: roundPj(sum((c) => c.count * c.pjEach)),
  };
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const round4 = (v: number) => Math.round(v * 10000) / 10000;

// ------------------------------------------------------------------- rates from data

/** Ones and bits of a spike tensor, summed over cases. */
interface Tally {
  ones: number;
  bits: number;
}

function popcount(x: bigint): number {
  let n = 0;
  for (let v = x; v > 0n; v &= v - 1n) n++;
  return n;
}

function tallyRows(rows: unknown, width: number, into: Tally): void {
  // T×N rows of `width` bits (bigint, or hex strings in vector form).
  for (const step of rows as unknown[][]) {
    for (const row of step) {
      const v = typeof row === 'bigint' ? row : BigInt(`0x${String(row)}`);
      into.ones += popcount(v);
      into.bits += width;
    }
  }
}

function tallyFlags(rows: unknown, into: Tally): void {
  for (const step of rows as unknown[][]) {
    for (const s of step) {
      into.ones += Number(s) ? 1 : 0;
      into.bits += 1;
    }
  }
}

/**
 * Spike rates of a block's spike tensors over a set of cases: `inputs` as the block's vector
 * reader returns them, `outputs` in vector-file form (the golden model's). Tensors: q, k, v
 * (inputs of the attention blocks) and y (the output spikes of lif_array and ssa_head).
 * Returns {} for blocks without spike tensors.
 */
export function measureRates(block: BlockName, derived: unknown, inputs: unknown[], outputs: Record<string, unknown>[]): Record<string, number> {
  const t: Record<string, Tally> = {};
  const at = (name: string) => (t[name] ??= { ones: 0, bits: 0 });
  if (block === 'xnor_attention' || block === 'ssa_head') {
    const width = block === 'ssa_head' ? (derived as SsaDerived).width : (derived as XnorDerived).dim;
    for (const i of inputs as Record<string, unknown>[]) {
      for (const name of block === 'ssa_head' ? ['q', 'k', 'v'] : ['q', 'k']) tallyRows(i[name], width, at(name));
    }
    if (block === 'ssa_head') for (const o of outputs) if (o['spikes']) tallyRows(o['spikes'], width, at('y'));
  } else if (block === 'lif_array') {
    for (const o of outputs) if (o['spikes']) tallyFlags(o['spikes'], at('y'));
  }
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v.bits > 0).map(([k, v]) => [k, v.ones / v.bits]));
}

/** Short names of the kinds, for tables. */
export const OP_LABELS: Record<OpKind, string> = { bit: 'bit ops', sop: 'SOPs (A·V)', add: 'bias adds', update: 'LIF updates' };

/** A count for text: integers with separators, expectations with one decimal. */
export function fmtCount(v: number): string {
  return v.toLocaleString('en-US', { maximumFractionDigits: Number.isInteger(v) ? 0 : 1 });
}

/** Text report: one line per kind of operation, the total and the energy, saying what it is. */
export function formatOperations(o: OperationsEstimate, indent = '  '): string {
  const rates = o.rates.length ? `: ${o.rates.map((r) => `${r.name} ${r.rate}${r.used ? ' (used)' : ''}`).join(', ')}` : '';
  const lines = [
    `${indent}per sequence (one inference, T = ${o.timesteps}); ${o.ratesNote}${rates}`,
    ...o.counts.map((c) => {
      const each = `${c.pjEach} pJ${c.kind === 'update' ? ` (${LIF_ADDS_PER_UPDATE} × ${c.width}-bit add)` : c.width !== null ? ` (${c.width}-bit add)` : ''}`;
      return `${indent}  ${fmtCount(c.count).padStart(14)}  ${OP_LABELS[c.kind].padEnd(12)} × ${each}`;
    }),
    `${indent}  ${fmtCount(o.totalOps).padStart(14)}  operations, ${fmtCount(o.synapticOps)} of them synaptic accumulates`,
    `${indent}  arithmetic energy ≈ ${o.energyPj.toLocaleString('en-US')} pJ per sequence: an estimate from 45 nm per-operation figures (Horowitz, ISSCC 2014), not a measurement, and not the energy of an FPGA (docs/energy.md)`,
  ];
  return `${lines.join('\n')}\n`;
}
