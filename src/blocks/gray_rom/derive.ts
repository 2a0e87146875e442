/**
 * Gray-PE derived parameters (SPEC §1). The one place G, the position count P and the
 * position-index width are computed; the XNOR engine and the head reuse this.
 */
import { indexWidth } from '../../base/bits.js';
import { ConfigError } from '../../base/errors.js';
import { deriveGeometry, type Geometry } from '../geometry.js';
import type { ResolvedConfig } from '../../base/config.js';

export interface GrayDerived {
  /** Module-name prefix (config `name`). */
  name: string;
  geometry: Geometry;
  position: 'token' | 'timestep-token';
  /** P: distinct positions (N, or T·N for timestep-token). */
  positions: number;
  /** Width of the position-index port: max(1, clog2(P)). */
  posWidth: number;
  /** G: code width. */
  bits: number;
  /** 2-D: per-axis code widths Gr, Gc (G = Gr + Gc). */
  grid: { rows: number; cols: number; rowBits: number; colBits: number } | null;
  impl: 'logic' | 'rom';
  /** Entries of the ROM (impl "rom"): 2^posWidth, so every index addresses a word (past P: 0). */
  romDepth: number;
}

export function deriveGray(cfg: ResolvedConfig): GrayDerived {
  const geometry = deriveGeometry(cfg);
  const { position, bits, impl } = cfg.grayPe;
  if (geometry.grid) {
    if (bits !== null) {
      throw new ConfigError('grayPe.bits', bits, 'must be null with a grid: G = max(1, clog2(rows)) + max(1, clog2(cols)) (SPEC §1)');
    }
    if (position !== 'token') {
      throw new ConfigError('grayPe.position', position, 'must be "token" with a grid (SPEC §1)');
    }
    const rowBits = indexWidth(geometry.grid.rows);
    const colBits = indexWidth(geometry.grid.cols);
    return {
      name: cfg.name,
      geometry,
      position,
      positions: geometry.seqLen,
      posWidth: indexWidth(geometry.seqLen),
      bits: rowBits + colBits,
      grid: { ...geometry.grid, rowBits, colBits },
      impl,
      romDepth: 2 ** indexWidth(geometry.seqLen),
    };
  }
  const positions = position === 'token' ? geometry.seqLen : geometry.seqLen * geometry.timesteps;
  const minBits = indexWidth(positions);
  if (bits !== null && bits < minBits) {
    throw new ConfigError(
      'grayPe.bits',
      bits,
      `allowed: at least ${minBits} = max(1, clog2(${positions})) for ${positions} distinct positions, at most 32`,
    );
  }
  return {
    name: cfg.name,
    geometry,
    position,
    positions,
    posWidth: indexWidth(positions),
    bits: bits ?? minBits,
    grid: null,
    impl,
    romDepth: 2 ** indexWidth(positions),
  };
}
