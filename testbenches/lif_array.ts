/**
 * Co-simulation harness of `<name>_lif_array`: one case is one sequence of T×M currents.
 * Stream `cur` carries `lanes` currents per beat (neuron groups in order within a timestep,
 * timesteps in order); stream `spk` returns one beat per input beat with the spikes and the
 * membranes after the step. Cases run back to back, so every case after the first also
 * checks that the array restarts from Vr at a sequence boundary.
 */
import type { LifDerived } from '../src/blocks/lif_array/derive.js';
import type { LifArrayInputs, LifArrayOutputs } from '../src/blocks/lif_array/model.js';
import type { Beat } from '../src/blocks/ports.js';
import type { BlockHarness, StimulusCase } from './types.js';
import { toSigned, toUnsigned } from '../src/base/bits.js';
import type { Rng } from '../src/base/rng.js';

function beatsPerCase(d: LifDerived): number {
  return d.timesteps * d.groups;
}

/** Port value of a current X (units of 2^−F). */
function portValue(d: LifDerived, x: bigint): bigint {
  const v = d.input.realUnits ? x >> BigInt(d.fracBits) : x;
  return toUnsigned(v, d.input.bits);
}

/** A uniform integer in [lo, hi] (bigint: ranges pass 2^53). */
function uniform(rng: Rng, lo: bigint, hi: bigint): bigint {
  const span = hi - lo + 1n;
  const bits = span.toString(2).length + 16;
  return lo + (rng.uniform(bits) % span);
}

export const lifArrayHarness: BlockHarness<LifDerived, LifArrayInputs, LifArrayOutputs> = {
  encode: (d, cases) => {
    const beats: Beat[] = [];
    for (const c of cases) {
      for (const row of c.currents) {
        for (let g = 0; g < d.groups; g++) {
          let word = 0n;
          for (let l = 0; l < d.lanes; l++) word |= portValue(d, row[g * d.lanes + l]!) << BigInt(l * d.input.bits);
          beats.push([word]);
        }
      }
    }
    return { cur: beats };
  },

  expectedBeats: (d, cases) => ({ spk: cases.length * beatsPerCase(d) }),

  outputBeats: (d, _cases, outputs) => ({
    spk: outputs.flatMap((o) =>
      o.spikes.flatMap((s, t) =>
        Array.from({ length: d.groups }, (_, g) => {
          let spk = 0n;
          let mem = 0n;
          for (let l = 0; l < d.lanes; l++) {
            spk |= BigInt(s[g * d.lanes + l]!) << BigInt(l);
            mem |= toUnsigned(o.membrane[t]![g * d.lanes + l]!, d.width) << BigInt(l * d.width);
          }
          return [spk, mem];
        }),
      ),
    ),
  }),

  decode: (d, cases, out) => {
    const beats = out['spk']!;
    const W = BigInt(d.width);
    return cases.map((_c, ci) => {
      const spikes: number[][] = [];
      const membrane: bigint[][] = [];
      for (let t = 0; t < d.timesteps; t++) {
        const s: number[] = [];
        const m: bigint[] = [];
        for (let g = 0; g < d.groups; g++) {
          const beat = beats[ci * beatsPerCase(d) + t * d.groups + g];
          // A missing beat decodes to nothing: the comparison then reports the short row.
          if (!beat) continue;
          for (let l = 0; l < d.lanes; l++) {
            s.push(Number((beat[0]! >> BigInt(l)) & 1n));
            m.push(toSigned(beat[1]! >> (BigInt(l) * W), d.width));
          }
        }
        spikes.push(s);
        membrane.push(m);
      }
      return { spikes, membrane };
    });
  },

  stimulus: (d, rng, count) => {
    const { timesteps: T, neurons: M } = d;
    // Currents the port can carry, in units of 2^−F.
    const scale = d.input.realUnits ? 1n << BigInt(d.fracBits) : 1n;
    const lo = d.input.min * scale;
    const hi = d.input.max * scale;
    const clamp = (x: bigint) => (x < lo ? lo : x > hi ? hi : x);
    const onPort = (x: bigint) => (clamp(x) / scale) * scale;
    const matrix = (f: (t: number, i: number) => bigint) =>
      Array.from({ length: T }, (_, t) => Array.from({ length: M }, (_, i) => onPort(f(t, i))));
    const theta = d.thetaFx;
    const firstStepCurrent = (h: bigint) => (d.decayInput ? (h - d.vResetFx) << BigInt(d.tauLog2) : h - d.vResetFx);

    const cases: StimulusCase<LifArrayInputs>[] = [
      { name: 'max_current', inputs: { currents: matrix(() => hi) } },
      { name: 'min_current', inputs: { currents: matrix(() => lo) } },
      { name: 'zero', inputs: { currents: matrix(() => 0n) } },
      // Full swings drive the membrane to both ends (and into saturation at a narrow width).
      { name: 'alternating_max_min', inputs: { currents: matrix((t, i) => ((t + i) % 2 === 0 ? hi : lo)) } },
      { name: 'min_then_max', inputs: { currents: matrix((t) => (t < T / 2 ? lo : hi)) } },
      // Around the threshold: H lands on θ_fx − 1, θ_fx, θ_fx + 1 for τ = 1 and close by otherwise.
      { name: 'near_threshold', inputs: { currents: matrix((t, i) => theta + BigInt(((t + i) % 3) - 1)) } },
      { name: 'ramp', inputs: { currents: matrix((t, i) => lo + ((hi - lo) * BigInt(t * M + i)) / BigInt(Math.max(1, T * M - 1))) } },
      // The first step's H exactly on θ_fx − 1, θ_fx, θ_fx + 1 for every τ: from V = Vr,
      // H = Vr + (X >>> k) with the input decayed and Vr + X without. A threshold one unit off
      // (or > for >=) is seen here; near_threshold lands exactly only for k = 0.
      { name: 'first_step_at_threshold', inputs: { currents: matrix((t, i) => (t === 0 ? firstStepCurrent(theta + BigInt((i % 3) - 1)) : 0n)) } },
    ];
    for (let n = 0; n < count; n++) {
      const style = n % 3;
      let f: () => bigint;
      if (style === 0) f = () => uniform(rng, lo, hi);
      else if (style === 1) {
        // Currents of the order of θ, both signs: the regime where neurons spike now and then.
        const span = theta * 3n + 1n;
        f = () => uniform(rng, -span, span);
      } else {
        // Mostly small with the odd extreme value.
        f = () => (rng.float() < 0.1 ? rng.pick([lo, hi]) : uniform(rng, -theta, theta * 2n));
      }
      cases.push({ name: `random_${n}`, inputs: { currents: matrix(f) } });
    }
    return cases;
  },
};
