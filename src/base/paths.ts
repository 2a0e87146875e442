/** Locations inside the spikeforge package, found from this file (works from src/ and dist/). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'templates'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('spikeforge: cannot find the package root (templates/ and package.json)');
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot();
export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');
/** Build cache for Verilator models and ccache objects (git-ignored). */
export const CACHE_DIR = process.env['SPIKEFORGE_CACHE_DIR'] ?? join(PACKAGE_ROOT, '.cache');
