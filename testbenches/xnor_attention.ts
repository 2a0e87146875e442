/**
 * Co-simulation harness of `<name>_xnor_attention`: per timestep, the N key rows on
 * stream `k` and the N query rows on stream `q` (the streams run independently, so the
 * next timestep's keys load while the current queries are scored); scores come back on
 * stream `score`, `lanes` per beat, row-major, with keep/last and the qi/kj sideband.
 *
 * decode() places each beat by its position in the stream and checks its sideband (qi,
 * kj, last, keep, zero lanes past N): a beat that disagrees fills its cells with a text
 * saying why, so the comparison with the golden model fails naming the fault.
 */
import type { XnorDerived } from '../src/blocks/xnor_attention/derive.js';
import type { ScoreCell, XnorInputs, XnorOutputs } from '../src/blocks/xnor_attention/model.js';
import type { Beat } from '../src/blocks/ports.js';
import type { BlockHarness, StimulusCase } from './types.js';
import type { Rng } from '../src/base/rng.js';
import { mask } from '../src/base/bits.js';
import { splitByCounts } from './streams.js';

/** Score beats of one case: T timesteps × N rows × ceil(N / lanes) beats. */
function beatsPerCase(d: XnorDerived): number {
  return d.timesteps * d.seqLen * d.beats;
}

/** Why a beat cannot be trusted, or null when its sideband is what beat `b` must carry. */
function sidebandFault(d: XnorDerived, b: number, beat: Beat): string | null {
  const perRow = d.beats;
  const i = Math.floor(b / perRow) % d.seqLen;
  const kb = b % perRow;
  const j0 = kb * d.lanes;
  const real = Math.min(d.lanes, d.seqLen - j0);
  const keep = mask(real);
  const [data, gotKeep, last, qi, kj] = beat as [bigint, bigint, bigint, bigint, bigint];
  const faults: string[] = [];
  if (qi !== BigInt(i)) faults.push(`qi ${qi} (expected ${i})`);
  if (kj !== BigInt(j0)) faults.push(`kj ${kj} (expected ${j0})`);
  if (last !== (kb === perRow - 1 ? 1n : 0n)) faults.push(`last ${last} (expected ${kb === perRow - 1 ? 1 : 0})`);
  if (gotKeep !== keep) faults.push(`keep ${gotKeep.toString(2)} (expected ${keep.toString(2)})`);
  const pad = data >> BigInt(real * d.scoreWidth);
  if (pad !== 0n) faults.push(`lanes past N - 1 not 0`);
  return faults.length ? `beat ${b}: sideband ${faults.join(', ')}` : null;
}

function decodeCase(d: XnorDerived, beats: Beat[]): XnorOutputs {
  const n = d.seqLen;
  const sw = BigInt(d.scoreWidth);
  const laneMask = mask(d.scoreWidth);
  const scores: ScoreCell[][][] = Array.from({ length: d.timesteps }, () =>
    Array.from({ length: n }, () => new Array<ScoreCell>(n).fill('missing: no beat delivered')),
  );
  beats.forEach((beat, b) => {
    const t = Math.floor(b / (n * d.beats));
    const i = Math.floor(b / d.beats) % n;
    const j0 = (b % d.beats) * d.lanes;
    const fault = sidebandFault(d, b, beat);
    const data = beat[0]!;
    for (let l = 0; l < d.lanes && j0 + l < n; l++) {
      scores[t]![i]![j0 + l] = fault ?? Number((data >> (BigInt(l) * sw)) & laneMask);
    }
  });
  return { scores };
}

/** A random T×N matrix of D-bit rows, each bit 1 with probability `density`. */
function randomRows(d: XnorDerived, rng: Rng, density: number): bigint[][] {
  return Array.from({ length: d.timesteps }, () => Array.from({ length: d.seqLen }, () => rng.bits(d.dim, density)));
}

function rows(d: XnorDerived, f: (t: number, i: number) => bigint): bigint[][] {
  return Array.from({ length: d.timesteps }, (_, t) => Array.from({ length: d.seqLen }, (_, i) => f(t, i) & mask(d.dim)));
}

/** 0101… (bit 0 set) over D bits. */
function alternating(dim: number): bigint {
  let v = 0n;
  for (let b = 0; b < dim; b += 2) v |= 1n << BigInt(b);
  return v;
}

export const xnorAttentionHarness: BlockHarness<XnorDerived, XnorInputs, XnorOutputs> = {
  encode: (_d, cases) => ({
    k: cases.flatMap((c) => c.k.flatMap((rowsT) => rowsT.map((r) => [r]))),
    q: cases.flatMap((c) => c.q.flatMap((rowsT) => rowsT.map((r) => [r]))),
  }),
  expectedBeats: (d, cases) => ({ score: cases.length * beatsPerCase(d) }),
  outputBeats: (d, _cases, outputs) => ({
    score: outputs.flatMap((o) =>
      o.scores.flatMap((rowsT) =>
        rowsT.flatMap((row, i) =>
          Array.from({ length: d.beats }, (_, kb) => {
            const j0 = kb * d.lanes;
            const real = Math.min(d.lanes, d.seqLen - j0);
            let data = 0n;
            for (let l = 0; l < real; l++) data |= BigInt(row[j0 + l] as number) << BigInt(l * d.scoreWidth);
            return [data, mask(real), kb === d.beats - 1 ? 1n : 0n, BigInt(i), BigInt(j0)];
          }),
        ),
      ),
    ),
  }),
  decode: (d, cases, out) =>
    splitByCounts(
      out['score'] ?? [],
      cases.map(() => beatsPerCase(d)),
    ).map((beats) => decodeCase(d, beats)),
  stimulus: (d, rng, count) => {
    const ones = mask(d.dim);
    const alt = alternating(d.dim);
    const hot = (i: number) => 1n << BigInt(i % d.dim);
    const cases: StimulusCase<XnorInputs>[] = [
      { name: 'all_zeros', inputs: { q: rows(d, () => 0n), k: rows(d, () => 0n) } },
      { name: 'all_ones', inputs: { q: rows(d, () => ones), k: rows(d, () => ones) } },
      { name: 'ones_vs_zeros', inputs: { q: rows(d, () => ones), k: rows(d, () => 0n) } },
      // One-hot rows: q_i and k_j match on their set bit exactly when i ≡ j (mod D).
      { name: 'one_hot', inputs: { q: rows(d, (t, i) => hot(i + t)), k: rows(d, (t, i) => hot(i + 2 * t)) } },
      // 0101… against 0101… and 1010…: all bits match / no bit matches.
      { name: 'alternating', inputs: { q: rows(d, () => alt), k: rows(d, (_t, i) => (i % 2 ? alt : ~alt)) } },
    ];
    for (let c = 0; c < count; c++) {
      // Spike densities from 0.02 to 0.98, the range the issue asks for.
      const pq = 0.02 + 0.96 * rng.float();
      const pk = c % 3 === 0 ? pq : 0.02 + 0.96 * rng.float();
      cases.push({ name: `random_${c}_q${pq.toFixed(2)}_k${pk.toFixed(2)}`, inputs: { q: randomRows(d, rng, pq), k: randomRows(d, rng, pk) } });
    }
    return cases;
  },
};
