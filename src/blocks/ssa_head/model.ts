/**
 * Spiking self-attention head golden model (SPEC §6), composed from the block models:
 * scores from the XNOR engine's model, O = S·V (SPEC §4), then the LIF model. Nothing of
 * their arithmetic is repeated here.
 */
import { lifRun } from '../lif_array/model.js';
import { scores } from '../xnor_attention/model.js';
import type { SsaDerived } from './derive.js';

export interface SsaInputs {
  /** T×N rows of D·heads bits each. */
  q: bigint[][];
  k: bigint[][];
  v: bigint[][];
}

export interface SsaOutputs {
  /** T×N rows of D·heads output spike bits. */
  spikes: bigint[][];
  /** Per head: T×N×N scores and T×N×D sums O (heads = 1 in vector files). */
  scores: number[][][][];
  av: number[][][][];
  /** Per head: T×N×D membranes V after each step, units of 2^−F (neuron (i, c) at [t][i][c]). */
  membrane: bigint[][][][];
}

function slice(rows: bigint[][], h: number, dim: number): bigint[][] {
  const mask = (1n << BigInt(dim)) - 1n;
  return rows.map((r) => r.map((x) => (x >> BigInt(h * dim)) & mask));
}

/** O_t[i][c] = Σ_j S_t[i][j] · v_{t,j}[c]. */
export function attentionTimesV(s: number[][], v: bigint[], dim: number): number[][] {
  const vBits = v.map((row) => Array.from({ length: dim }, (_, c) => Number((row >> BigInt(c)) & 1n)));
  return s.map((row) => {
    const o = new Array<number>(dim).fill(0);
    row.forEach((score, j) => {
      const bits = vBits[j]!;
      for (let c = 0; c < dim; c++) if (bits[c]) o[c]! += score;
    });
    return o;
  });
}

export function ssaHeadModel(d: SsaDerived, inputs: SsaInputs): SsaOutputs {
  const { seqLen: n, dim, timesteps } = d;
  const spikes: bigint[][] = Array.from({ length: timesteps }, () => new Array<bigint>(n).fill(0n));
  const allScores: number[][][][] = [];
  const allAv: number[][][][] = [];
  const allMembrane: bigint[][][][] = [];
  for (let h = 0; h < d.heads; h++) {
    const q = slice(inputs.q, h, dim);
    const k = slice(inputs.k, h, dim);
    const v = slice(inputs.v, h, dim);
    const s = scores(d.xnor, q, k);
    const av = s.map((st, t) => attentionTimesV(st, v[t]!, dim));
    // Neuron (i, c) is number i·D + c; its input is X = O·2^F (units of 2^−F).
    const currents = av.map((ot) => ot.flatMap((row) => row.map((o) => BigInt(o) << BigInt(d.lif.fracBits))));
    const run = lifRun(d.lif, currents);
    run.spikes.forEach((row, t) => {
      for (let i = 0; i < n; i++) {
        let bits = 0n;
        for (let c = 0; c < dim; c++) if (row[i * dim + c]) bits |= 1n << BigInt(c);
        spikes[t]![i]! |= bits << BigInt(h * dim);
      }
    });
    allScores.push(s);
    allAv.push(av);
    allMembrane.push(run.membrane.map((row) => Array.from({ length: n }, (_, i) => row.slice(i * dim, (i + 1) * dim))));
  }
  return { spikes, scores: allScores, av: allAv, membrane: allMembrane };
}
