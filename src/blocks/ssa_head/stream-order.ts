/**
 * The order in which the head's streams carry a sequence's rows (docs/ssa_head.md, folded
 * heads): F head groups, each for all T timesteps, N rows per timestep. The co-simulation
 * harness (testbenches/ssa_head.ts) and the board's frames (board.ts) both use it, so the
 * two cannot disagree.
 */
import { mask } from '../../base/bits.js';
import type { SsaDerived } from './derive.js';

/** The beat of head group g: heads g·E … g·E + E − 1 of a full row, engine e at [e·D, (e+1)·D). */
export function groupBeat(s: SsaDerived, row: bigint, g: number): bigint {
  const E = s.fold.engines;
  const shift = BigInt(g * E * s.dim);
  return (row >> shift) & mask(E * s.dim);
}

/** The rows of one sequence in stream order: head groups, then timesteps, then tokens. */
export function streamRows(s: SsaDerived, rows: bigint[][]): bigint[] {
  const out: bigint[] = [];
  for (let g = 0; g < s.fold.headsPerEngine; g++) for (const rt of rows) for (const r of rt) out.push(groupBeat(s, r, g));
  return out;
}

/** Beats per sequence on each stream: F·T·N. */
export function beatsPerSequence(s: SsaDerived): number {
  return s.fold.headsPerEngine * s.timesteps * s.seqLen;
}

/**
 * Output beats of one sequence (stream order) back into full D·heads rows [t][i]; a
 * missing beat marks its whole row -1 so a comparison names it.
 */
export function rowsFromBeats(s: SsaDerived, beat: (n: number) => bigint | undefined): bigint[][] {
  const { timesteps: T, seqLen: N } = s;
  const E = s.fold.engines;
  const spikes = Array.from({ length: T }, () => new Array<bigint>(N).fill(0n));
  for (let g = 0; g < s.fold.headsPerEngine; g++) {
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < N; i++) {
        const b = beat((g * T + t) * N + i);
        if (b === undefined || spikes[t]![i]! < 0n) spikes[t]![i] = -1n;
        else spikes[t]![i]! |= (b & mask(E * s.dim)) << BigInt(g * E * s.dim);
      }
    }
  }
  return spikes;
}
