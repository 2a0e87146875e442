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
import { packRows, timestepScores } from '../src/blocks/xnor_attention/model.js';
import { splitByCounts } from './streams.js';
import type { StreamBeats, StreamSpec } from '../src/blocks/ports.js';
import { jsonInteger } from '../src/blocks/lif_array/index.js';
import { observedMemGroups, observedMemLanes, ssaObserveStreams } from '../src/blocks/ssa_head/observe.js';
import { beatsPerSequence as beatsPerCase, groupBeat, rowsFromBeats, streamRows } from '../src/blocks/ssa_head/stream-order.js';

function matrix(s: SsaDerived, row: (t: number, i: number) => bigint): bigint[][] {
  return Array.from({ length: s.timesteps }, (_, t) => Array.from({ length: s.seqLen }, (_, i) => row(t, i)));
}

/** The mean score S[i][j] of head 0 at timestep 0 (the golden model's): what one V spike adds to O. */
function meanScore(s: SsaDerived, inputs: SsaInputs): number {
  const d = s.dim;
  const head0 = (rows: bigint[]) => packRows(rows.map((r) => r & mask(d)), d);
  const st = timestepScores(s.xnor, 0, head0(inputs.q[0]!), head0(inputs.k[0]!));
  let sum = 0;
  for (const row of st) for (const x of row) sum += x;
  return Math.max(1e-9, sum / (st.length * st.length));
}

/** P(Binomial(n, v) ≥ m). */
function atLeast(n: number, v: number, m: number): number {
  if (m <= 0) return 1;
  if (m > n) return 0;
  // P(X < m) by the recurrence P(i + 1) = P(i)·(n − i)/(i + 1)·v/(1 − v).
  let term = Math.pow(1 - v, n);
  let below = 0;
  for (let i = 0; i < m; i++) {
    below += term;
    term *= ((n - i) / (i + 1)) * (v / (1 - v));
  }
  return Math.max(0, 1 - below);
}

/** The V density at which at least m of n V bits of a column are set with probability p (bisection). */
function vDensityFor(n: number, m: number, p: number): number {
  let lo = 1e-6;
  let hi = 0.98;
  if (atLeast(n, hi, m) <= p) return hi;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (atLeast(n, mid, m) < p) lo = mid;
    else hi = mid;
  }
  return hi;
}

function randomCase(s: SsaDerived, rng: Rng, density: { q: number; k: number; v: number }): SsaInputs {
  return {
    q: matrix(s, () => rng.bits(s.width, density.q)),
    k: matrix(s, () => rng.bits(s.width, density.k)),
    v: matrix(s, () => rng.bits(s.width, density.v)),
  };
}

export { groupBeat };

/** A T×N×W array of "missing" (per head): what the RTL has not shown yet. */
function missing(s: SsaDerived, w: number): unknown[][][][] {
  return Array.from({ length: s.heads }, () => Array.from({ length: s.timesteps }, () => Array.from({ length: s.seqLen }, () => new Array<unknown>(w).fill('missing'))));
}

function signedField(raw: bigint, width: number): bigint {
  return raw >= 1n << BigInt(width - 1) ? raw - (1n << BigInt(width)) : raw;
}

/**
 * The observation streams (src/blocks/ssa_head/observe.ts) back into per-case scores, A·V
 * sums and membranes in vector form. Each engine's beats come in schedule order: its F head
 * groups, each group's T timesteps, N rows per timestep. A score lands at the row and keys
 * the engine itself reports (qi, kj + lane, lanes with keep set); sums and membranes at the
 * place their position in the stream gives them. Whatever no beat delivered stays "missing",
 * and a beat beyond a case's share belongs to the next case, so a dropped or duplicated beat
 * shows as a wrong value at a named index.
 */
function decodeObserved(s: SsaDerived, cases: SsaInputs[], obs: StreamBeats): Record<string, unknown>[] {
  const x = s.xnor;
  const { timesteps: T, seqLen: N, dim: D } = s;
  const F = s.fold.headsPerEngine;
  const E = s.fold.engines;
  const L = observedMemLanes(s);
  const G = observedMemGroups(s);
  const W = s.lif.width;
  const streams = ssaObserveStreams(s);
  const per = cases.map(() => ({ scores: missing(s, N), av: missing(s, D), membrane: missing(s, D) }));
  for (let e = 0; e < E; e++) {
    const [scoreS, avS, memS] = streams.slice(3 * e, 3 * e + 3) as [StreamSpec, StreamSpec, StreamSpec];
    const counts = (n: number) => cases.map(() => F * T * N * n);
    splitByCounts(obs[scoreS.name] ?? [], counts(x.beats)).forEach((beats, c) => {
      beats.forEach(([qi, kj, keep, bus], k) => {
        const row = Math.floor(k / x.beats);
        const h = Math.floor(row / (T * N)) * E + e;
        const t = Math.floor(row / N) % T;
        const i = Number(qi);
        for (let l = 0; l < x.lanes; l++) {
          const j = Number(kj) + l;
          const kept = ((keep! >> BigInt(l)) & 1n) === 1n;
          if (kept && j >= N && i < N && Number(kj) < N) {
            // A lane past the last key marked valid (the engine's keep mask is wrong on a
            // ragged last beat): named at the beat's first key, which is in range.
            per[c]!.scores[h]![t]![i]![Number(kj)] = `beat ${k}: keep marks lane ${l} (key ${j}), past the last key ${N - 1}`;
            break;
          }
          if (!kept || i >= N || j >= N) continue;
          per[c]!.scores[h]![t]![i]![j] = Number((bus! >> BigInt(l * x.scoreWidth)) & mask(x.scoreWidth));
        }
      });
    });
    splitByCounts(obs[avS.name] ?? [], counts(1)).forEach((beats, c) => {
      beats.forEach(([o], r) => {
        const h = Math.floor(r / (T * N)) * E + e;
        const t = Math.floor(r / N) % T;
        const i = r % N;
        for (let f = 0; f < D; f++) per[c]!.av[h]![t]![i]![f] = Number((o! >> BigInt(f * s.oWidth)) & mask(s.oWidth));
      });
    });
    splitByCounts(obs[memS.name] ?? [], counts(G)).forEach((beats, c) => {
      beats.forEach(([v], k) => {
        const r = Math.floor(k / G);
        const h = Math.floor(r / (T * N)) * E + e;
        const t = Math.floor(r / N) % T;
        const i = r % N;
        for (let l = 0; l < L; l++) {
          const m = signedField((v! >> BigInt(l * W)) & mask(W), W);
          per[c]!.membrane[h]![t]![i]![(k % G) * L + l] = jsonInteger(m);
        }
      });
    });
  }
  // Vector form: heads = 1 drops the head index (docs/vectors.md).
  return per.map((p) => (s.heads === 1 ? { scores: p.scores[0], av: p.av[0], membrane: p.membrane[0] } : p));
}

export const ssaHeadHarness: BlockHarness<SsaDerived, SsaInputs, Pick<SsaOutputs, 'spikes'>> = {
  observe: { streams: ssaObserveStreams, decode: decodeObserved },
  // A spike row leaves every ceil(N / lanes) clocks at best: unscaled back-pressure would
  // rarely reach the A·V stage, the engine or the LIF array's single-port hazard.
  pacedBackPressure: true,
  encode: (s, cases) => ({
    kv: cases.flatMap((c) => {
      const k = streamRows(s, c.k);
      const v = streamRows(s, c.v);
      return k.map((kb, n) => [kb, v[n]!]);
    }),
    q: cases.flatMap((c) => streamRows(s, c.q).map((q) => [q])),
  }),
  expectedBeats: (s, cases) => ({ y: cases.length * beatsPerCase(s) }),
  outputBeats: (s, _cases, outputs) => ({ y: outputs.flatMap((o) => streamRows(s, o.spikes.map((rowsT) => [...rowsT]))).map((r) => [r]) }),
  decode: (s, cases, out) =>
    splitByCounts(
      out['y']!,
      cases.map(() => beatsPerCase(s)),
    ).map((beats) => ({ spikes: rowsFromBeats(s, (n) => beats[n]?.[0]) })),
  stimulus: (s, rng, count) => {
    const all = mask(s.width);
    const cases: StimulusCase<SsaInputs>[] = [
      // Largest scores and sums: the widest O and the fastest-charging neurons. First, so
      // the first row after reset has every score and every V bit set: state that comes out
      // of reset wrong (a read-beat counter not at 0) spoils that row's sum, where an
      // all-zero first case would sum to 0 either way.
      { name: 'all_one', inputs: { q: matrix(s, () => all), k: matrix(s, () => all), v: matrix(s, () => all) } },
      { name: 'all_zero', inputs: { q: matrix(s, () => 0n), k: matrix(s, () => 0n), v: matrix(s, () => 0n) } },
      { name: 'q_one_k_zero_v_one', inputs: { q: matrix(s, () => all), k: matrix(s, () => 0n), v: matrix(s, () => all) } },
      { name: 'alternating', inputs: { q: matrix(s, (t, i) => ((i + t) % 2 ? all : 0n)), k: matrix(s, (_t, i) => (i % 2 ? 0n : all)), v: matrix(s, (_t, i) => (i % 3 ? all : 0n)) } },
    ];
    for (let n = 0; n < count; n++) {
      const q = 0.02 + 0.96 * rng.float();
      const k = 0.02 + 0.96 * rng.float();
      if (n % 4 === 3) {
        // One case in four: any V density (dense V saturates the sums, sparse V starves them).
        cases.push({ name: `random_${n}`, inputs: randomCase(s, rng, { q, k, v: 0.02 + 0.96 * rng.float() }) });
        continue;
      }
      // The others land near the threshold: Q and K are drawn first, then the V density is
      // chosen so that a sum O = Σ_j S[i][j]·v_j[c] reaches θ' = θ / scale with probability
      // p in [0.25, 0.75] (O ≈ S̄·Binomial(N, v)). Then a wrong membrane, a wrong sum or a
      // dropped decay flips spikes, which a head that fires on every V bit would hide.
      const inputs = randomCase(s, rng, { q, k, v: 0 });
      const v = vDensityFor(s.seqLen, Math.ceil(s.lif.threshold / meanScore(s, inputs)), 0.25 + 0.5 * rng.float());
      inputs.v = matrix(s, () => rng.bits(s.width, v));
      cases.push({ name: `near_threshold_${n}`, inputs });
    }
    return cases;
  },
};
