/** Random valid xnor_attention configs: any geometry, both similarities, both encodings, every popcount and its pipelining. */
import { POPCOUNT_ARCHS } from '../../parts/popcount.js';
import { geometryArb } from '../geometry.js';
import { grayPeArb } from '../gray_rom/fuzz.js';
import { logPeArb } from '../logpe_bias/fuzz.js';
import type { FuzzArbitrary } from '../types.js';

export const xnorAttentionFuzz: FuzzArbitrary = (fc, caps) =>
  fc
    .tuple(
      geometryArb(fc, caps),
      fc.integer({ min: 1, max: caps.dim }),
      fc.integer({ min: 1, max: caps.timesteps }),
      fc.constantFrom('xnor', 'and'),
      fc.constantFrom('auto', ...POPCOUNT_ARCHS),
      fc.constantFrom('ice40', 'generic', 'xc7'),
    )
    .chain(([g, dim, timesteps, similarity, popcount, target]) =>
      fc
        .tuple(
          fc.integer({ min: 1, max: g.seqLen }),
          grayPeArb(fc, g.seqLen, timesteps, g.grid !== null, fc.boolean()),
          logPeArb(fc, g.seqLen, g.grid, fc.boolean()),
          fc.constantFrom<'auto' | number>('auto', 0, 1, 2, 3),
        )
        // xc7-chain instantiates 7-series primitives: only the xc7 target accepts it.
        .map(([lanes, grayPe, logPe, popcountPipeline]) => ({ ...g, dim, timesteps, similarity, lanes, grayPe, logPe, popcount, popcountPipeline, target: popcount === 'xc7-chain' ? 'xc7' : target })),
    );
