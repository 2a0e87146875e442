/**
 * `spikeforge cache`: what the cache folder (src/base/paths.ts) holds, and removing it.
 *
 * The cache only grows: every new design is a Verilator model (0.1 to a few MB), every
 * compiler command a precompiled header (about 65 MB), and a sweep makes hundreds of
 * designs. Cleaning is for a person (or a cron job on a cluster's shared cache) to run;
 * spikeforge never removes an entry on its own.
 *
 * What is removed is only what spikeforge writes, recognised by folder and name (KINDS):
 * a file a user put into the cache folder, or a folder spikeforge does not know, is
 * reported as "not spikeforge's" and left alone. An entry is renamed to a temporary name
 * of this process before it is deleted, so a clean that is killed half-way leaves a
 * leftover the next run removes (src/base/cache-dir.ts), never a half-deleted entry that
 * looks whole. Temporary folders of processes that still run are never touched.
 *
 * "Last used" is an entry's modification time: a model, a precompiled header and a netlist
 * are touched each time they are reused (markUsed); check results and tool probes are
 * small and cheap to redo, so their write time counts.
 */
import { lstatSync, readdirSync, renameSync, type Stats } from 'node:fs';
import { rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { inCache, KEY_PATTERN, removeStaleTemps, TEMP_NAME, TEMP_OWNER, tempOwner, tempState } from '../base/cache-dir.js';
import { CHECK_ENTRY } from '../tools/check-cache.js';
import { throwIfStopped } from '../base/interrupt.js';

export interface CacheKind {
  /** The folder under the cache root. */
  folder: string;
  /** What it holds, for the report. */
  what: string;
  /** The names of its entries (anything else in the folder is not spikeforge's). */
  entry: RegExp;
}

/** Every folder spikeforge keeps entries in, and the source that writes it. */
export const KINDS: CacheKind[] = [
  // src/cosim/verilator.ts, src/cosim/board.ts
  { folder: 'verilator', what: 'Verilator models (co-simulation, netlists, boards)', entry: new RegExp(`^${KEY_PATTERN}$`) },
  // src/cosim/icarus.ts
  { folder: 'icarus', what: 'Icarus models', entry: new RegExp(`^${KEY_PATTERN}$`) },
  // src/cosim/pch.ts
  { folder: 'pch', what: 'precompiled C++ headers (one per compiler command)', entry: new RegExp(`^${KEY_PATTERN}$`) },
  // src/cosim/netlist.ts
  { folder: 'netlist', what: 'iCE40 netlists (verify --netlist)', entry: new RegExp(`^${KEY_PATTERN}\\.v$`) },
  // src/tools/check-cache.ts
  { folder: 'checks', what: 'lint, Icarus, Yosys and nextpnr results', entry: CHECK_ENTRY },
  // src/tools/run.ts (probeTool)
  { folder: 'tools', what: 'tool versions and install folders', entry: new RegExp(`^${KEY_PATTERN}\\.json$`) },
  // src/mutation/run.ts
  { folder: 'mutation-traces', what: 'waveforms of mutation runs', entry: /^m-[A-Za-z0-9]{6}$/ },
  // src/cosim/verilator.ts (CCACHE_DIR): Verilator's runtime objects; ccache names its own files.
  { folder: 'ccache', what: "ccache's objects of Verilator's runtime", entry: /^/ },
];

/** Temporary names inside a kind's folder: a build's `.<key>.tmp-<owner>-<random>`, an atomic write's `<file>.tmp-<owner>`. */
const ENTRY_TEMP = new RegExp(`\\.tmp-${TEMP_OWNER}`);

export interface KindUsage {
  folder: string;
  what: string;
  entries: number;
  bytes: number;
  /** Last use of the least recently used entry (ms since the epoch), or null. */
  oldest: number | null;
}

export interface CacheUsage {
  root: string;
  kinds: KindUsage[];
  /** Temporary folders and files of processes that still run (never removed). */
  live: { count: number; bytes: number };
  /** Leftovers of processes that are gone (removed by the next run, or by clean). */
  abandoned: { count: number; bytes: number };
  /** Paths in the cache folder that are not spikeforge's (never removed, not measured). */
  foreign: string[];
  /** Bytes of spikeforge's entries and temporaries. */
  bytes: number;
}

function lstat(path: string): Stats | null {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

/** Bytes under `path` (files and folders, symbolic links not followed). */
export function sizeOf(path: string): number {
  const st = lstat(path);
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  let total = 0;
  let names: string[] = [];
  try {
    names = readdirSync(path);
  } catch {
    return 0;
  }
  for (const n of names) total += sizeOf(join(path, n));
  return total;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

interface Entry {
  path: string;
  kind: string | null;
  state: 'entry' | 'live' | 'abandoned' | 'foreign';
  lastUsed: number;
}

function entries(root: string): Entry[] {
  const out: Entry[] = [];
  const known = new Map(KINDS.map((k) => [k.folder, k]));
  for (const name of list(root)) {
    const path = join(root, name);
    const kind = known.get(name);
    if (kind && lstat(path)?.isDirectory()) {
      for (const e of list(path)) {
        const p = join(path, e);
        const temp = tempState(path, e, ENTRY_TEMP);
        const state = temp === null ? (kind.entry.test(e) ? 'entry' : 'foreign') : temp === 'live' ? 'live' : 'abandoned';
        out.push({ path: p, kind: kind.folder, state, lastUsed: lstat(p)?.mtimeMs ?? 0 });
      }
      continue;
    }
    const temp = tempState(root, name, TEMP_NAME);
    out.push({ path, kind: null, state: temp === null ? 'foreign' : temp === 'live' ? 'live' : 'abandoned', lastUsed: lstat(path)?.mtimeMs ?? 0 });
  }
  return out;
}

export function cacheUsage(root: string): CacheUsage {
  // What is not spikeforge's is named, not measured: the folder may be a big one of the user's.
  const all = entries(root).map((e) => ({ ...e, bytes: e.state === 'foreign' ? 0 : sizeOf(e.path) }));
  const sum = (xs: { bytes: number }[]) => xs.reduce((a, x) => a + x.bytes, 0);
  const kinds = KINDS.map((k) => {
    const mine = all.filter((e) => e.kind === k.folder && e.state === 'entry');
    return { folder: k.folder, what: k.what, entries: mine.length, bytes: sum(mine), oldest: mine.length ? Math.min(...mine.map((e) => e.lastUsed)) : null };
  });
  const of = (state: Entry['state']) => all.filter((e) => e.state === state);
  return {
    root,
    kinds,
    live: { count: of('live').length, bytes: sum(of('live')) },
    abandoned: { count: of('abandoned').length, bytes: sum(of('abandoned')) },
    foreign: of('foreign').map((e) => e.path),
    bytes: sum(all),
  };
}

export interface CleanOptions {
  /** Remove only entries not used for this many days (default: every entry). */
  unusedDays?: number;
  /** List what would be removed, remove nothing. */
  dryRun?: boolean;
}

export interface CleanResult {
  removed: { path: string; bytes: number }[];
  bytes: number;
  /** Entries kept because they were used within `unusedDays`. */
  kept: number;
}

/**
 * Removes spikeforge's entries (all, or those unused for `unusedDays`) and the leftovers of
 * processes that are gone. Deleting is asynchronous, so Ctrl-C stops a long clean (a shared
 * cache on a network file system) between entries; what was removed stays removed.
 */
export async function cleanCache(root: string, opts: CleanOptions = {}): Promise<CleanResult> {
  const cutoff = opts.unusedDays === undefined ? Infinity : Date.now() - opts.unusedDays * 86_400_000;
  const removed: { path: string; bytes: number }[] = [];
  let kept = 0;
  for (const e of entries(root)) {
    if (e.state === 'foreign' || e.state === 'live') continue;
    if (e.state === 'entry' && e.lastUsed >= cutoff) {
      kept++;
      continue;
    }
    throwIfStopped('cleaning the cache');
    const bytes = sizeOf(e.path);
    // A leftover in the root is removed by removeStaleTemps below, as every run does.
    if (!opts.dryRun && e.kind !== null) await remove(e.path);
    removed.push({ path: e.path, bytes });
  }
  if (!opts.dryRun) removeStaleTemps(root);
  return { removed, bytes: removed.reduce((a, r) => a + r.bytes, 0), kept };
}

/** Renames `path` to a temporary name of this process first: a clean killed half-way leaves a leftover, never a partial entry. */
async function remove(path: string): Promise<void> {
  const trash = `${path}.tmp-${tempOwner()}-${randomBytes(4).toString('hex')}`;
  const renamed = inCache(path, () => {
    try {
      renameSync(path, trash);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false; // removed by someone else meanwhile
      throw e;
    }
  });
  if (renamed) await rm(trash, { recursive: true, force: true }).catch((e: unknown) => inCache(path, () => { throw e; }));
}
