/**
 * spikeforge's own folders under the cache root (src/base/paths.ts): created lazily, and
 * every file-system failure there is a CacheError (exit 3) naming the path — never a
 * stack trace. Temporary folders carry the pid of the process that made them
 * (`tool-<pid>-XXXXXX`), so a process killed before it could clean up (SIGKILL, power
 * loss) leaves folders the next run recognises as stale and removes.
 */
import { mkdirs } from './mkdirs.js';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CacheError, errnoOf } from './errors.js';
import { CACHE_DIR } from './paths.js';

/** Runs `fn`; a system error (EACCES, EROFS, ENOSPC, …) becomes a CacheError naming `path`. */
export function inCache<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const code = errnoOf(e);
    if (code) throw new CacheError(path, code);
    throw e;
  }
}

/** A folder under the cache root (created if missing); `cacheDir()` is the root itself. */
export function cacheDir(...sub: string[]): string {
  const dir = join(CACHE_DIR, ...sub);
  inCache(dir, () => mkdirs(dir));
  return dir;
}

/** Whether a process with this pid runs (on this machine). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) === 'EPERM';
  }
}

const TEMP_NAME = /^([a-z]+)-(\d+)-[A-Za-z0-9]{6}$/;

/** Removes temporary folders (`<prefix>-<pid>-XXXXXX`) in `root` whose process is gone; returns their names. */
export function removeStaleTemps(root: string = CACHE_DIR): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const e of entries) {
    const m = TEMP_NAME.exec(e);
    if (!m || Number(m[2]) === process.pid || processAlive(Number(m[2]))) continue;
    try {
      rmSync(join(root, e), { recursive: true, force: true });
      removed.push(e);
    } catch {
      // Someone else's (another user's) folder: leave it.
    }
  }
  return removed;
}

/**
 * A new temporary folder in the cache root, `<prefix>-<pid>-XXXXXX`; stale ones of dead
 * processes are removed first. The caller removes its own (try/finally).
 */
export function cacheTempDir(prefix: string, root: string = cacheDir()): string {
  removeStaleTemps(root);
  return inCache(root, () => mkdtempSync(join(root, `${prefix}-${process.pid}-`)));
}
