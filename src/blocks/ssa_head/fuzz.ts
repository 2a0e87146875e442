/** Random valid ssa_head configs: the engine's space, the LIF space, one or two heads. */
import { geometryArb } from '../geometry.js';
import { grayPeArb } from '../gray_rom/fuzz.js';
import { lifArb } from '../lif_array/fuzz.js';
import { logPeArb } from '../logpe_bias/fuzz.js';
import type { FuzzArbitrary } from '../types.js';

export const ssaHeadFuzz: FuzzArbitrary = (fc, caps) =>
  fc
    .tuple(
      geometryArb(fc, caps),
      fc.integer({ min: 1, max: Math.min(caps.dim, 16) }),
      fc.integer({ min: 1, max: caps.timesteps }),
      fc.constantFrom('xnor', 'and'),
      fc.constantFrom(1, 0.5, 0.25, 0.125, 0.3),
      lifArb(fc, true),
    )
    .chain(([g, dim, timesteps, similarity, scale, lif]) =>
      fc
        .tuple(
          fc.integer({ min: 1, max: g.seqLen }),
          grayPeArb(fc, g.seqLen, timesteps, g.grid !== null, fc.boolean()),
          logPeArb(fc, g.seqLen, g.grid, fc.boolean()),
          fc.integer({ min: 1, max: 2 }),
          fc.constantFrom('registers', 'memory'),
          fc.constantFrom('bram', 'spram'),
          fc.boolean(),
          fc.integer({ min: 1, max: 16 }),
        )
        .map(([lanes, grayPe, logPe, heads, membranes, memory, shareEngine, laneSeed]) => {
          // Vr' = vReset / scale must be a multiple of 2^-F (SPEC §6, §5): with a scale that is
          // not a power of two only vReset = 0 is valid.
          const dyadic = Number.isInteger(Math.log2(scale));
          const l = dyadic ? lif : { ...lif, vReset: 0 };
          // Folds: both heads on one engine or not; membranes in registers or memory with
          // any divisor of dim as the neuron lanes (or the default).
          const divisors = Array.from({ length: dim }, (_, i) => i + 1).filter((k) => dim % k === 0);
          const neuronLanes = membranes === 'memory' && laneSeed > 4 ? divisors[laneSeed % divisors.length]! : null;
          const fold = { headsPerEngine: shareEngine ? heads : 1, membranes, neuronLanes, memory };
          return { ...g, dim, timesteps, similarity, lanes, grayPe, logPe, scale, heads, lif: l, fold };
        }),
    );
