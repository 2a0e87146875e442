/**
 * Generator identity written into every header and manifest: the package's name and its
 * version (package.json, the one source; semver, CHANGELOG.md). A release that changes the
 * emitted RTL bumps it, so the config hash, the model keys and the sweep cache keys change.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths.js';

export const GENERATOR = 'spikeforge';
export const VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
