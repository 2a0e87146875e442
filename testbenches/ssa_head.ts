/**
 * Co-simulation harness of `<name>_ssa_head`: per timestep, N beats on `kv` (the K and V
 * rows of a token) and N beats on `q`; N beats of output spikes on `y`. Sequences back to
 * back; the streams run independently, so K/V of the next timestep may arrive early.
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

export const ssaHeadHarness: BlockHarness<SsaDerived, SsaInputs, Pick<SsaOutputs, 'spikes'>> = {
  encode: (_s, cases) => ({
    kv: cases.flatMap((c) => c.k.flatMap((kt, t) => kt.map((k, j) => [k, c.v[t]![j]!]))),
    q: cases.flatMap((c) => c.q.flat().map((q) => [q])),
  }),
  expectedBeats: (s, cases) => ({ y: cases.length * s.timesteps * s.seqLen }),
  decode: (s, cases, out) =>
    splitByCounts(
      out['y']!,
      cases.map(() => s.timesteps * s.seqLen),
    ).map((beats) => ({
      spikes: Array.from({ length: s.timesteps }, (_, t) =>
        Array.from({ length: s.seqLen }, (_, i) => beats[t * s.seqLen + i]?.[0] ?? -1n),
      ),
    })),
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
      const density = { q: 0.02 + 0.96 * rng.float(), k: 0.02 + 0.96 * rng.float(), v: 0.02 + 0.96 * rng.float() };
      cases.push({ name: `random_${n}`, inputs: randomCase(s, rng, density) });
    }
    return cases;
  },
};
