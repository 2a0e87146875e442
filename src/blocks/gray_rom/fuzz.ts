/** Random valid gray_rom configs, and the Gray-PE settings the engine and the head reuse. */
import type * as FastCheck from 'fast-check';
import { indexWidth } from '../../base/bits.js';
import { geometryArb } from '../geometry.js';
import type { FuzzArbitrary } from '../types.js';

/** grayPe settings valid for this geometry (explicit bits at least the minimum, docs/spec.md §1). */
export function grayPeArb(fc: typeof FastCheck, seqLen: number, timesteps: number, grid: boolean, enabled: FastCheck.Arbitrary<boolean>) {
  return fc
    .record({
      enabled,
      position: grid ? fc.constant('token') : fc.constantFrom('token', 'timestep-token'),
      impl: fc.constantFrom('logic', 'rom'),
      extra: fc.integer({ min: 0, max: 3 }),
      explicit: grid ? fc.constant(false) : fc.boolean(),
    })
    .map(({ enabled: on, position, impl, extra, explicit }) => {
      const positions = position === 'token' ? seqLen : seqLen * timesteps;
      const bits = explicit ? Math.min(32, indexWidth(positions) + extra) : null;
      return { enabled: on, bits, position, impl };
    });
}

export const grayRomFuzz: FuzzArbitrary = (fc, caps) =>
  fc
    .tuple(geometryArb(fc, caps), fc.integer({ min: 1, max: caps.timesteps }))
    .chain(([g, timesteps]) => grayPeArb(fc, g.seqLen, timesteps, g.grid !== null, fc.boolean()).map((grayPe) => ({ ...g, timesteps, grayPe })));
