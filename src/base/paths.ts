/**
 * Locations: inside the spikeforge package, and the user's cache folder.
 *
 * The package root (templates/, calibration/, package.json) is found from this file's own
 * location: the nearest folder above it whose package.json is spikeforge's. That is the
 * repo when running from a checkout (src/ under tsx, dist/ when built), and
 * node_modules/spikeforge when installed from the package — never a source tree beside it,
 * and never the current folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      let name: unknown;
      try {
        name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
      } catch {
        name = undefined;
      }
      if (name === 'spikeforge' && existsSync(join(dir, 'templates'))) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`spikeforge: cannot find its package folder (package.json and templates/) above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot();
export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');

/**
 * The cache folder (compiled simulations, ccache objects, temporary tool folders):
 * $SPIKEFORGE_CACHE_DIR, else $XDG_CACHE_HOME/spikeforge (when absolute, as the XDG spec
 * asks), else ~/.cache/spikeforge. Never inside the install folder: whoever runs
 * spikeforge may not own it. Nothing is created here; src/base/cache-dir.ts creates
 * folders lazily and turns a failure into a CacheError (exit 3) naming the path.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const own = env['SPIKEFORGE_CACHE_DIR'];
  if (own) return resolve(own);
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg && isAbsolute(xdg)) return join(xdg, 'spikeforge');
  return join(homedir(), '.cache', 'spikeforge');
}

export const CACHE_DIR = cacheRoot();
