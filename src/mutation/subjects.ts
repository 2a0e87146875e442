/**
 * The designs mutation testing breaks, per block: small configs (fast to build and
 * simulate) that between them switch on every variant of the block's RTL — each
 * implementation choice, grids, tables, lanes, both resets. Mutants are drawn from all
 * subjects of a block together.
 *
 * A block registered without an entry here is still covered: its subjects are then the
 * configs of its reference vector files (slower, but no block goes untested).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blocks } from '../blocks/index.js';
import type { BlockName } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { generateDesign, type Design } from '../core/generate.js';
import { PACKAGE_ROOT } from '../core/paths.js';
import { resolveConfig } from '../io/config-file.js';

/** The shared reference vectors (Log-PE tables are resolved against this folder). */
export const REFERENCE_VECTORS_DIR = join(PACKAGE_ROOT, 'test', 'fixtures', 'reference', 'vectors');

/** A small Log-PE table that is not a function of distance (so it needs the table ROM). */
function oddTable(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i * 5 + j * 3 + (i === j ? 4 : 0)) % 7));
}

export const MUTATION_SUBJECTS: Record<BlockName, Record<string, unknown>[]> = {
  gray_rom: [
    { seqLen: 12 },
    { seqLen: 20, grid: { rows: 4, cols: 5 } },
    { seqLen: 10, timesteps: 2, grayPe: { position: 'timestep-token', impl: 'rom' } },
  ],
  logpe_bias: [
    { seqLen: 12, logPe: { enabled: true, mode: 'paper' } },
    { seqLen: 12, grid: { rows: 3, cols: 4 }, logPe: { enabled: true, mode: 'paper', impl: 'distance-rom' } },
    { seqLen: 6, logPe: { enabled: true, mode: 'table', table: oddTable(6) } },
  ],
  xnor_attention: [
    { seqLen: 6, dim: 10, timesteps: 2, lanes: 2, grayPe: { enabled: true }, logPe: { enabled: true }, popcount: 'carry-tree' },
    { seqLen: 5, dim: 7, timesteps: 1, lanes: 1, similarity: 'and', popcount: 'gpc63' },
    // Four grid rows: x | (x >> 1) differs from the Gray code x ^ (x >> 1) only from x = 3 on.
    { seqLen: 8, dim: 6, timesteps: 2, lanes: 4, grid: { rows: 4, cols: 2 }, grayPe: { enabled: true }, logPe: { enabled: true, mode: 'table', table: oddTable(8) }, popcount: 'loop' },
  ],
  lif_array: [
    { neurons: 4, lanes: 2, timesteps: 4, lif: { tauLog2: 1, reset: 'soft', threshold: 0.5 } },
    { neurons: 3, lanes: 1, timesteps: 3, lif: { tauLog2: 2, decayInput: false, reset: 'hard', vReset: -0.25, threshold: 1.25, fracBits: 10, width: 14 } },
  ],
  ssa_head: [
    // θ' = threshold / scale = 16 sits inside the range of O = Σ S·v (S ≤ 12), so neurons
    // both spike and carry charge over to the next timestep.
    { seqLen: 5, dim: 6, timesteps: 2, lanes: 2, grayPe: { enabled: true }, logPe: { enabled: true }, scale: 0.03125, lif: { threshold: 0.5 } },
    { seqLen: 4, dim: 5, timesteps: 3, lanes: 1, similarity: 'and', scale: 0.5, lif: { reset: 'soft', threshold: 1 } },
    // One beat per row (lanes = N): every beat is both first and last of its row.
    { seqLen: 4, dim: 4, timesteps: 2, lanes: 4, grayPe: { enabled: true }, logPe: { enabled: true, mode: 'table', table: oddTable(4) }, scale: 0.0625, lif: { threshold: 0.5, tauLog2: 2 } },
  ],
};

export interface Subject {
  label: string;
  design: Design;
}

/** Designs of one block for mutation: its subjects, or its reference vector files' configs. */
export function subjectsFor(block: BlockName, log: (line: string) => void = () => {}): Subject[] {
  if (!blocks[block]) return [];
  const out: Subject[] = [];
  (MUTATION_SUBJECTS[block] ?? []).forEach((raw, i) => {
    const name = `mut_${block}_${i}`;
    try {
      out.push({ label: `${name} ${JSON.stringify(raw)}`, design: generateDesign(resolveConfig({ top: block, name, ...raw }, REFERENCE_VECTORS_DIR)) });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      log(`mutation subject ${name} of ${block} rejected (${e.message}); skipped`);
    }
  });
  if (out.length) return out;
  for (const f of readdirSync(REFERENCE_VECTORS_DIR).filter((x) => x.endsWith('.json')).sort()) {
    const raw = JSON.parse(readFileSync(join(REFERENCE_VECTORS_DIR, f), 'utf8')) as { format?: string; config?: { top?: string } };
    if (raw.format !== 'spikeforge.vectors.v1' || raw.config?.top !== block) continue;
    out.push({ label: `${f} config`, design: generateDesign(resolveConfig(raw.config, REFERENCE_VECTORS_DIR)) });
  }
  return out;
}
