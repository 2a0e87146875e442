/**
 * Co-simulation harness of `<name>_logpe_bias`: (qi, kj) pairs in on stream `pair`, biases
 * out on stream `bias`, one beat per pair, cases back to back.
 */
import type { LogPeDerived } from '../src/blocks/logpe_bias/derive.js';
import type { LogPeBiasInputs, LogPeBiasOutputs } from '../src/blocks/logpe_bias/model.js';
import type { BlockHarness, StimulusCase } from './types.js';
import { splitByCounts } from './streams.js';

/** Up to this many pairs (N = 256), every (i, j) is simulated, in order and shuffled. */
const EXHAUSTIVE_LIMIT = 1 << 16;

export const logPeBiasHarness: BlockHarness<LogPeDerived, LogPeBiasInputs, LogPeBiasOutputs> = {
  encode: (_l, cases) => ({ pair: cases.flatMap((c) => c.pairs.map(([i, j]) => [BigInt(i), BigInt(j)])) }),
  expectedBeats: (_l, cases) => ({ bias: cases.reduce((n, c) => n + c.pairs.length, 0) }),
  outputBeats: (_l, _cases, outputs) => ({ bias: outputs.flatMap((o) => o.bias.map((b) => [BigInt(b)])) }),
  decode: (_l, cases, out) =>
    splitByCounts(
      out['bias']!,
      cases.map((c) => c.pairs.length),
    ).map((beats) => ({ bias: beats.map((b) => Number(b[0]!)) })),
  stimulus: (l, rng, count) => {
    const n = l.geometry.seqLen;
    const last = n - 1;
    const cases: StimulusCase<LogPeBiasInputs>[] = [];
    if (n * n <= EXHAUSTIVE_LIMIT) {
      const all: [number, number][] = [];
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) all.push([i, j]);
      cases.push({ name: 'exhaustive', inputs: { pairs: all } });
      const shuffled = [...all];
      for (let k = shuffled.length - 1; k > 0; k--) {
        const m = rng.int(0, k);
        [shuffled[k], shuffled[m]] = [shuffled[m]!, shuffled[k]!];
      }
      cases.push({ name: 'exhaustive_shuffled', inputs: { pairs: shuffled } });
    }
    // Corners: the ends of the index range, both sides of every power of two (where the
    // bit length of N - 1 - |i - j| steps) and, on a grid, the ends of every row.
    const edges = new Set<number>([0, 1, last - 1, last].filter((p) => p >= 0 && p <= last));
    for (let k = 1; k <= last; k *= 2) [k - 1, k, k + 1].filter((p) => p <= last).forEach((p) => edges.add(p));
    if (l.grid) {
      for (let r = 0; r < l.grid.rows; r++) [r * l.grid.cols, r * l.grid.cols + l.grid.cols - 1].forEach((p) => edges.add(p));
    }
    const sorted = [...edges].sort((a, b) => a - b);
    cases.push({ name: 'corners', inputs: { pairs: sorted.flatMap((i) => sorted.map((j): [number, number] => [i, j])) } });
    for (let c = 0; c < count; c++) {
      const len = rng.int(1, 64);
      cases.push({
        name: `random_${c}`,
        inputs: { pairs: Array.from({ length: len }, (): [number, number] => [rng.int(0, last), rng.int(0, last)]) },
      });
    }
    return cases;
  },
};
