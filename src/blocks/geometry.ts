/**
 * Token geometry shared by every block that works on positions (Gray-PE, Log-PE, the
 * XNOR engine, the head): N, T, and the optional R×C patch grid (SPEC §0).
 */
import { ConfigError } from '../core/errors.js';
import type { ResolvedConfig } from './types.js';

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

/** D: spike bits per token, required by the blocks that see Q/K/V. */
export function requireDim(cfg: ResolvedConfig): number {
  if (cfg.dim === undefined) {
    throw new ConfigError('dim', undefined, `required for top "${cfg.top}": an integer from 1 to 4096`);
  }
  return cfg.dim;
}
