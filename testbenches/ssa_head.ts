/**
 * Co-simulation harness of `<name>_ssa_head`: per timestep, N beats on `kv` (the K and V
 * rows of a token) and N beats on `q`; N beats of output spikes on `y`. Sequences back to
 * back; the streams run independently, so K/V of the next timestep may arrive early.
 *
 * Folded heads (fold.headsPerEngine F > 1, E = heads / F engines) take the rows head-major:
 * a beat carries E heads (engine e at bits [e·D, (e+1)·D)), and a sequence is F groups,
 * group g carrying heads g·E … g·E + E − 1 for all T timesteps (N K/V rows and N Q rows per
 * timestep) before group g + 1 starts. With F = 1 that is the lock-step order. The golden
 * model and vector files keep full D·heads rows; this harness reorders them both ways.
 */
import type { SsaDerived } from '../src/blocks/ssa_head/derive.js';
import type { SsaInputs, SsaOutputs } from '../src/blocks/ssa_head/model.js';
import type { BlockHarness, StimulusCase } from './types.js';
import type { Rng } from '../src/base/rng.js';
import { mask } from '../src/base/bits.js';
import { splitByCounts } from './streams.js';

function matrix(s: SsaDerived, row: (t: number, i: number) => bigint): bigint[][] {
  return Array.from({ length: s.timesteps }, (_, t) => Array.from({ length: s.seqLen }, (_, i) => row(t, i)));
}

function randomCase(s: SsaDerived, rng: Rng, density: { q: number; k: number; v: number }): SsaInputs {
  return {
    q: matrix(s, () => rng.bits(s.width, density.q)),
    k: matrix(s, () => rng.bits(s.width, density.k)),
    v: matrix(s, () => rng.bits(s.width, density.v)),
  };
}

/** The beat of head group g: heads g·E … g·E + E − 1 of a full row, engine e at [e·D, (e+1)·D). */
export function groupBeat(s: SsaDerived, row: bigint, g: number): bigint {
  const E = s.fold.engines;
  const shift = BigInt(g * E * s.dim);
  return (row >> shift) & mask(E * s.dim);
}

/** The rows of one sequence in stream order: head groups, then timesteps, then tokens. */
function streamRows(s: SsaDerived, rows: bigint[][]): bigint[] {
  const out: bigint[] = [];
  for (let g = 0; g < s.fold.headsPerEngine; g++) for (const rt of rows) for (const r of rt) out.push(groupBeat(s, r, g));
  return out;
}

function beatsPerCase(s: SsaDerived): number {
  return s.fold.headsPerEngine * s.timesteps * s.seqLen;
}

export const ssaHeadHarness: BlockHarness<SsaDerived, SsaInputs, Pick<SsaOutputs, 'spikes'>> = {
  encode: (s, cases) => ({
    kv: cases.flatMap((c) => {
      const k = streamRows(s, c.k);
      const v = streamRows(s, c.v);
      return k.map((kb, n) => [kb, v[n]!]);
    }),
    q: cases.flatMap((c) => streamRows(s, c.q).map((q) => [q])),
  }),
  expectedBeats: (s, cases) => ({ y: cases.length * beatsPerCase(s) }),
  decode: (s, cases, out) =>
    splitByCounts(
      out['y']!,
      cases.map(() => beatsPerCase(s)),
    ).map((beats) => {
      const { timesteps: T, seqLen: N } = s;
      const E = s.fold.engines;
      const spikes = Array.from({ length: T }, () => new Array<bigint>(N).fill(0n));
      for (let g = 0; g < s.fold.headsPerEngine; g++) {
        for (let t = 0; t < T; t++) {
          for (let i = 0; i < N; i++) {
            const beat = beats[(g * T + t) * N + i]?.[0];
            // A missing beat leaves the whole row missing, so the comparison names it.
            if (beat === undefined || spikes[t]![i]! < 0n) spikes[t]![i] = -1n;
            else spikes[t]![i]! |= (beat & mask(E * s.dim)) << BigInt(g * E * s.dim);
          }
        }
      }
      return { spikes };
    }),
  stimulus: (s, rng, count) => {
    const all = mask(s.width);
    const cases: StimulusCase<SsaInputs>[] = [
      { name: 'all_zero', inputs: { q: matrix(s, () => 0n), k: matrix(s, () => 0n), v: matrix(s, () => 0n) } },
      // Largest scores and sums: the widest O and the fastest-charging neurons.
      { name: 'all_one', inputs: { q: matrix(s, () => all), k: matrix(s, () => all), v: matrix(s, () => all) } },
      { name: 'q_one_k_zero_v_one', inputs: { q: matrix(s, () => all), k: matrix(s, () => 0n), v: matrix(s, () => all) } },
      { name: 'alternating', inputs: { q: matrix(s, (t, i) => ((i + t) % 2 ? all : 0n)), k: matrix(s, (_t, i) => (i % 2 ? 0n : all)), v: matrix(s, (_t, i) => (i % 3 ? all : 0n)) } },
    ];
    for (let n = 0; n < count; n++) {
      // Every third case has sparse V rows: sums O near the threshold, so membranes carry
      // charge from one timestep to the next (what folded membrane storage must keep).
      const vDensity = n % 3 === 2 ? 0.02 + 0.13 * rng.float() : 0.02 + 0.96 * rng.float();
      const density = { q: 0.02 + 0.96 * rng.float(), k: 0.02 + 0.96 * rng.float(), v: vDensity };
      cases.push({ name: `random_${n}`, inputs: randomCase(s, rng, density) });
    }
    return cases;
  },
};
