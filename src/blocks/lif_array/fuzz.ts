/** Random valid lif_array configs, and the LIF settings the attention head reuses. */
import type * as FastCheck from 'fast-check';
import type { FuzzArbitrary, RawConfig } from '../types.js';

/** LIF parameters: thresholds both dyadic and not, both resets, F and W explicit or default. */
export function lifArb(fc: typeof FastCheck, forHead: boolean) {
  return fc
    .record({
      tauLog2: fc.integer({ min: 0, max: 3 }),
      decayInput: fc.boolean(),
      threshold: fc.constantFrom(0.5, 1, 0.25, 0.3, 1.75, 2, 3.1),
      reset: fc.constantFrom('hard', 'soft'),
      vReset: fc.constantFrom(0, 0, -0.5, 0.25),
      fracBits: fc.option(fc.integer({ min: 4, max: 16 }), { nil: null }),
      width: fc.option(fc.integer({ min: 26, max: 44 }), { nil: null }),
      inputWidth: fc.integer({ min: 2, max: 20 }),
    })
    .map((l) => {
      // Soft reset has no reset value (docs/spec.md §5); the head has no input width.
      const lif: RawConfig = { ...l, vReset: l.reset === 'soft' ? 0 : l.vReset };
      if (forHead) delete lif['inputWidth'];
      return lif;
    });
}

/** Lanes must divide the neuron count. */
export const lifArrayFuzz: FuzzArbitrary = (fc, caps) =>
  fc.tuple(fc.integer({ min: 1, max: caps.neurons }), fc.integer({ min: 1, max: caps.timesteps }), lifArb(fc, false)).chain(([neurons, timesteps, lif]) => {
    const divisors = Array.from({ length: neurons }, (_, i) => i + 1).filter((d) => neurons % d === 0);
    return fc
      .tuple(fc.constantFrom(...divisors), fc.constantFrom('registers', 'memory'), fc.constantFrom('bram', 'spram'))
      .map(([lanes, membranes, memory]) => ({ neurons, lanes, timesteps, lif, fold: { membranes, memory } }));
  });
