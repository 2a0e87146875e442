/**
 * The designs mutation testing breaks, per block: the block's `subjects` face, small
 * configs (fast to build and simulate) that between them switch on every variant of the
 * block's RTL — each implementation choice, grids, tables, lanes, both resets. Mutants are
 * drawn from all subjects of a block together.
 *
 * A block with no subjects is still covered: its subjects are then the configs of its
 * reference vector files (slower, but no block goes untested).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blocks } from '../design/registry.js';
import type { BlockName } from '../base/config.js';
import { ConfigError } from '../base/errors.js';
import { generateDesign, type Design } from '../design/design.js';
import { PACKAGE_ROOT } from '../base/paths.js';
import { resolveConfig } from '../io/config-file.js';

/** The reference vectors (Log-PE tables in subjects are resolved against this folder). */
export const REFERENCE_VECTORS_DIR = join(PACKAGE_ROOT, 'test', 'fixtures', 'reference', 'vectors');

export interface Subject {
  label: string;
  design: Design;
}

/** Designs of one block for mutation: its subjects, or its reference vector files' configs. */
export function subjectsFor(block: BlockName, log: (line: string) => void = () => {}): Subject[] {
  if (!blocks[block]) return [];
  const out: Subject[] = [];
  blocks[block].subjects.forEach((raw, i) => {
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
