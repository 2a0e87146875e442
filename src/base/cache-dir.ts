/**
 * spikeforge's own folders under the cache root (src/base/paths.ts): created lazily, and
 * every file-system failure there is a CacheError (exit 3) naming the path — never a
 * stack trace.
 *
 * The cache root may be one folder shared by many machines (SPIKEFORGE_CACHE_DIR on a
 * network file system; docs/cluster.md). Every temporary name spikeforge makes — tool and
 * run folders here, a model build's `.<key>.tmp-…`, an atomic write's `<file>.tmp-…` —
 * carries its owner, `<pid>-<machine>`, and a random part, so names never collide across
 * hosts, and a leftover of a process killed before it could clean up (SIGKILL, a node that
 * died) is recognised: on this machine when its pid is gone (removed at once), on another
 * machine — whose pids mean nothing here — only when it has not changed for 24 hours.
 * Leftovers are never read as results; they only take space until then.
 */
import { mkdirs } from './mkdirs.js';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CacheError, errnoOf } from './errors.js';
import { canonicalJson, sha256 } from './hash.js';
import { CACHE_DIR } from './paths.js';

function readOr(fn: () => string): string {
  try {
    return fn();
  } catch {
    return '';
  }
}

/**
 * This machine as temporary names record it: the host name (readable, at most 24
 * characters of [A-Za-z0-9_]) and a hash of what a pid is a pid of — the host name, the
 * kernel's boot id and the PID namespace —, so two containers that share a host name (two
 * pods of one Indexed Job index, one replacing the other) are still told apart.
 */
function machineTag(): string {
  const host = hostname();
  const boot = readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
  const pidNamespace = readOr(() => readlinkSync('/proc/self/ns/pid'));
  const readable = host.replace(/[^A-Za-z0-9]/g, '_').slice(0, 24) || 'host';
  return `${readable}.${sha256(`${host}\n${boot}\n${pidNamespace}`).slice(0, 8)}`;
}

export const MACHINE = machineTag();

/** Hex digits of a cache entry's key (models, precompiled headers, netlists, tool probes). */
const KEY_DIGITS = 24;

/** The key of a cache entry: the first KEY_DIGITS hex digits of the hash of `value` (canonical JSON). */
export function cacheKey(value: unknown): string {
  return sha256(canonicalJson(value)).slice(0, KEY_DIGITS);
}

/** A key as cacheKey makes it, as a regular expression source. */
export const KEY_PATTERN = `[0-9a-f]{${KEY_DIGITS}}`;

/** `<pid>-<machine>`: the owner part of every temporary name. */
export function tempOwner(): string {
  return `${process.pid}-${MACHINE}`;
}

/**
 * The owner part of a temporary name as a regular expression source: group 1 the pid,
 * group 2 the machine (absent in names made by spikeforge 0.1, which are judged by pid).
 */
export const TEMP_OWNER = String.raw`(\d+)-(?:([A-Za-z0-9_]+\.[0-9a-f]{8})-)?`;

/** How long a temporary file or folder of another machine is left alone. */
export const FOREIGN_TEMP_MAX_AGE_MS = 24 * 3600 * 1000;

/**
 * Whether the owner of the temporary `path` is gone: on this machine, its process no
 * longer runs; on another machine, the entry has not changed for FOREIGN_TEMP_MAX_AGE_MS.
 */
export function tempOwnerGone(path: string, pid: number, machine: string | undefined, now = Date.now()): boolean {
  if (machine === undefined || machine === MACHINE) return pid !== process.pid && !processAlive(pid);
  try {
    return now - statSync(path).mtimeMs > FOREIGN_TEMP_MAX_AGE_MS;
  } catch {
    return false; // gone already
  }
}

/**
 * Whether the entry `name` of `dir` is a temporary one (it matches `pattern`, built with
 * TEMP_OWNER) whose owner still runs ('live') or is gone ('gone'); null when it is not.
 */
export function tempState(dir: string, name: string, pattern: RegExp, now = Date.now()): 'live' | 'gone' | null {
  const m = pattern.exec(name);
  if (!m) return null;
  return tempOwnerGone(join(dir, name), Number(m[1]), m[2], now) ? 'gone' : 'live';
}

/**
 * Removes the entries of `dir` matching `pattern` (group 1 the pid, group 2 the machine:
 * built with TEMP_OWNER) whose owner is gone; returns their names. An entry that cannot be
 * removed (another user's) is left.
 */
export function removeAbandoned(dir: string, pattern: RegExp): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const now = Date.now();
  for (const e of entries) {
    if (tempState(dir, e, pattern, now) !== 'gone') continue;
    try {
      rmSync(join(dir, e), { recursive: true, force: true });
      removed.push(e);
    } catch {
      // Not ours to remove.
    }
  }
  return removed;
}

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

/**
 * Writes one cache entry file atomically: a temporary name of this process and machine, then
 * a rename, so a reader (on any machine sharing the cache) sees the whole entry or none. A
 * failure removes the temporary file and is a CacheError naming the path.
 */
export function writeCacheFile(path: string, content: string): void {
  const tmp = `${path}.tmp-${tempOwner()}`;
  inCache(path, () => {
    try {
      writeFileSync(tmp, content);
      renameSync(tmp, path);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  });
}

/** A folder under the cache root (created if missing); `cacheDir()` is the root itself. */
export function cacheDir(...sub: string[]): string {
  const dir = join(CACHE_DIR, ...sub);
  inCache(dir, () => mkdirs(dir));
  return dir;
}

/**
 * Records that the cache entry at `path` was used now (its modification time), so that
 * `spikeforge cache clean --unused-days N` (src/app/cache.ts) keeps what is in use. A
 * cache that cannot be written here only loses that record.
 */
export function markUsed(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // Read-only or gone meanwhile: the entry is still good.
  }
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

/** A temporary folder in the cache root: `<prefix>-<owner>XXXXXX` (the prefix may hold dashes: `api-traces`). */
export const TEMP_NAME = new RegExp(`^[a-z][a-z-]*-${TEMP_OWNER}[A-Za-z0-9]{6}$`);

/** Removes temporary folders (`<prefix>-<pid>-<machine>-XXXXXX`) in `root` whose owner is gone; returns their names. */
export function removeStaleTemps(root: string = CACHE_DIR): string[] {
  return removeAbandoned(root, TEMP_NAME);
}

/**
 * A new temporary folder in the cache root, `<prefix>-<pid>-<machine>-XXXXXX`; abandoned
 * ones are removed first. The caller removes its own (try/finally).
 */
export function cacheTempDir(prefix: string, root: string = cacheDir()): string {
  removeStaleTemps(root);
  return inCache(root, () => mkdtempSync(join(root, `${prefix}-${tempOwner()}-`)));
}
