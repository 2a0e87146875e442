/**
 * Token geometry shared by every block that works on positions (Gray-PE, Log-PE, the
 * XNOR engine, the head): N, T, and the optional R×C patch grid (SPEC §0).
 */
import { ConfigError } from '../base/errors.js';
import type * as FastCheck from 'fast-check';
import type { ResolvedConfig } from '../base/config.js';
import type { FuzzCaps } from './types.js';

export interface Geometry {
  /** N: tokens per timestep. */
  seqLen: number;
  /** T: timesteps per sequence. */
  timesteps: number;
  /** R×C patch grid, or null for 1-D sequences. */
  grid: { rows: number; cols: number } | null;
}

export function deriveGeometry(cfg: ResolvedConfig): Geometry {
  if (cfg.seqLen === undefined) {
    throw new ConfigError('seqLen', undefined, `required for top "${cfg.top}": an integer from 1 to 4096`);
  }
  if (cfg.grid && cfg.grid.rows * cfg.grid.cols !== cfg.seqLen) {
    throw new ConfigError(
      'grid',
      cfg.grid,
      `grid.rows × grid.cols must equal seqLen (${cfg.grid.rows}×${cfg.grid.cols} = ${cfg.grid.rows * cfg.grid.cols}, seqLen = ${cfg.seqLen})`,
    );
  }
  return { seqLen: cfg.seqLen, timesteps: cfg.timesteps, grid: cfg.grid };
}

/**
 * The distance between tokens i and j: |i − j| in 1-D (dr = 0, dc = |i − j|), or per axis
 * on an R×C grid (r = i div C, c = i mod C): dr = |r_i − r_j|, dc = |c_i − c_j|.
 * `key` is a token index at that distance from token 0 (dr·C + dc), so row 0 of any
 * N×N matrix that depends on the distance only holds every value.
 */
export function tokenDistance(g: Geometry, i: number, j: number): { dr: number; dc: number; key: number } {
  if (!g.grid) return { dr: 0, dc: Math.abs(i - j), key: Math.abs(i - j) };
  const { cols } = g.grid;
  const dr = Math.abs(Math.floor(i / cols) - Math.floor(j / cols));
  const dc = Math.abs((i % cols) - (j % cols));
  return { dr, dc, key: dr * cols + dc };
}

/** D: spike bits per token, required by the blocks that see Q/K/V. */
export function requireDim(cfg: ResolvedConfig): number {
  if (cfg.dim === undefined) {
    throw new ConfigError('dim', undefined, `required for top "${cfg.top}": an integer from 1 to 4096`);
  }
  return cfg.dim;
}

/** Random N tokens for config fuzzing: a 1-D length or an R×C grid with R·C = N. */
export function geometryArb(fc: typeof FastCheck, caps: FuzzCaps, gridAllowed = true) {
  return fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: caps.seqLen }).map((seqLen) => ({ seqLen, grid: null as null | { rows: number; cols: number } })) },
    {
      weight: gridAllowed ? 1 : 0,
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: caps.seqLen }), fc.integer({ min: 1, max: caps.seqLen }))
        .filter(([r, c]) => r * c <= caps.seqLen)
        .map(([rows, cols]) => ({ seqLen: rows * cols, grid: { rows, cols } as null | { rows: number; cols: number } })),
    },
  );
}
