/**
 * Co-simulation harness of `<name>_gray_rom`: positions in on stream `pos`, codes out on
 * stream `code`, one beat per position, cases back to back.
 */
import type { GrayDerived } from '../src/blocks/gray_rom/derive.js';
import type { GrayRomInputs, GrayRomOutputs } from '../src/blocks/gray_rom/model.js';
import type { BlockHarness, StimulusCase } from './types.js';
import { splitByCounts } from './streams.js';

/** Up to this many positions, every position is simulated (in order and shuffled). */
const EXHAUSTIVE_LIMIT = 1 << 16;

export const grayRomHarness: BlockHarness<GrayDerived, GrayRomInputs, GrayRomOutputs> = {
  encode: (_g, cases) => ({ pos: cases.flatMap((c) => c.positions.map((p) => [BigInt(p)])) }),
  expectedBeats: (_g, cases) => ({ code: cases.reduce((n, c) => n + c.positions.length, 0) }),
  outputBeats: (_g, _cases, outputs) => ({ code: outputs.flatMap((o) => o.codes.map((c) => [BigInt(c)])) }),
  decode: (_g, cases, out) =>
    splitByCounts(
      out['code']!,
      cases.map((c) => c.positions.length),
    ).map((beats) => ({ codes: beats.map((b) => Number(b[0]!)) })),
  stimulus: (g, rng, count) => {
    const last = g.positions - 1;
    const cases: StimulusCase<GrayRomInputs>[] = [];
    if (g.positions <= EXHAUSTIVE_LIMIT) {
      const all = Array.from({ length: g.positions }, (_, p) => p);
      cases.push({ name: 'exhaustive', inputs: { positions: all } });
      const shuffled = [...all];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      cases.push({ name: 'exhaustive_shuffled', inputs: { positions: shuffled } });
    }
    // Corners: the ends, and both sides of every power of two (where Gray codes wrap).
    const corners = new Set<number>([0, last]);
    for (let k = 1; k <= last; k *= 2) [k - 1, k, Math.min(last, k + 1)].forEach((p) => corners.add(p));
    cases.push({ name: 'corners', inputs: { positions: [...corners].sort((a, b) => a - b) } });
    for (let i = 0; i < count; i++) {
      const len = rng.int(1, 64);
      cases.push({ name: `random_${i}`, inputs: { positions: Array.from({ length: len }, () => rng.int(0, last)) } });
    }
    return cases;
  },
};
