/**
 * Writing a design into a folder without losing anybody's work (generate, verify, synth).
 *
 * A design folder is spikeforge's when it holds a spikeforge `manifest.json`; the manifest
 * lists every file spikeforge wrote there with its sha256. The rules:
 *
 *   - a folder that does not exist, or is empty, is created / written;
 *   - a non-empty folder without a spikeforge manifest is refused (OutputError, exit 2,
 *     SF_OUTPUT_NOT_OURS) unless `force`;
 *   - files the old manifest lists whose content no longer matches their sha256 were
 *     edited by hand: refused (exit 2, SF_OUTPUT_EDITED, naming them) unless `force`;
 *   - a file the new design would write over that the old manifest does not list (the
 *     user's own file of the same name) is refused unless `force`;
 *   - only the design's own files are written, each atomically (temporary file + rename
 *     in the same folder), and a file whose content is already right is not touched;
 *   - files the OLD manifest listed that the new design no longer has are removed, but
 *     only when unedited (an edited one is kept even with `force`);
 *   - anything else in the folder (the user's Makefile, test benches, synth-*.json
 *     reports, waveforms) is never touched;
 *   - the manifest is written last, so a reader that trusts it sees a complete design;
 *   - a listed file is in the folder or in one subfolder of it (`testbench/`, written by
 *     `generate --testbench`); a manifest entry that would leave the folder is ignored.
 *
 * Writers of one folder are serialised by a lock file (`.spikeforge-lock`, holding the
 * writer's pid; a lock whose process is gone is taken over), so concurrent runs end with
 * exactly one complete design. A read-only folder is refused before anything is written.
 */
import { mkdirs } from '../base/mkdirs.js';
import { accessSync, closeSync, constants, existsSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { describeErrno, errnoOf, OutputError } from '../base/errors.js';
import { sha256 } from '../base/hash.js';
import { processAlive as alive } from '../base/cache-dir.js';
import { GENERATOR } from '../base/version.js';

export const MANIFEST_FILE = 'manifest.json';
export const LOCK_FILE = '.spikeforge-lock';

export interface DesignFile {
  path: string;
  content: string;
}

/** What the folder writer needs from a manifest: the files spikeforge wrote and their hashes. */
export interface ManifestListing {
  generator: string;
  files: { path: string; kind: string; sha256: string }[];
}

export interface FolderState {
  dir: string;
  exists: boolean;
  /** The spikeforge manifest in the folder, or null (none, unreadable, or another tool's). */
  manifest: ManifestListing | null;
  /** Raw manifest JSON when there is one (for --design). */
  manifestRaw: Record<string, unknown> | null;
  /** Entries of the folder other than the lock file. */
  entries: string[];
  /** Listed files whose content on disk differs from the manifest's sha256. */
  edited: string[];
  /** Listed files that are not on disk. */
  missing: string[];
}

export interface WriteOptions {
  /** Write into a folder that is not spikeforge's, and over edited files. */
  force?: boolean;
}

export interface WriteOutcome {
  dir: string;
  /** Files (re)written. */
  written: string[];
  /** Files whose content was already right. */
  unchanged: string[];
  /** Files of the old design the new one no longer has, removed. */
  removed: string[];
  /** Edited files of the old design the new one no longer has, kept (force). */
  kept: string[];
}

function isListing(v: unknown): v is ManifestListing {
  if (!v || typeof v !== 'object') return false;
  const m = v as Record<string, unknown>;
  return (
    m['generator'] === GENERATOR &&
    Array.isArray(m['files']) &&
    m['files'].every((f) => f && typeof f === 'object' && typeof (f as Record<string, unknown>)['path'] === 'string' && typeof (f as Record<string, unknown>)['sha256'] === 'string')
  );
}

/** A listed path must stay inside the folder (a manifest is user-editable data). */
function safeName(name: string): boolean {
  // A file of the folder or of one subfolder of it (testbench/): never a path that leaves it.
  const parts = name.split('/');
  return parts.length <= 2 && parts.every((p) => p.length > 0 && !p.includes('\\') && p !== '.' && p !== '..');
}

function fail(target: string, e: unknown, what = 'cannot write'): never {
  const code = errnoOf(e);
  throw new OutputError(`${what} ${target}: ${code ? describeErrno(code) : (e as Error).message}`);
}

function readIfFile(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

/** Reads a folder's manifest and compares every listed file with its hash. Never writes. */
export function inspectDesignFolder(dir: string): FolderState {
  const target = resolve(dir);
  const state: FolderState = { dir: target, exists: false, manifest: null, manifestRaw: null, entries: [], edited: [], missing: [] };
  if (!existsSync(target)) return state;
  let entries: string[];
  try {
    if (!statSync(target).isDirectory()) throw new OutputError(`cannot write ${target}: it is a file, not a folder`);
    entries = readdirSync(target);
  } catch (e) {
    if (e instanceof OutputError) throw e;
    fail(target, e, 'cannot read');
  }
  state.exists = true;
  state.entries = entries.filter((e) => e !== LOCK_FILE).sort();
  const text = readIfFile(join(target, MANIFEST_FILE));
  if (text === null) return state;
  let raw: unknown;
  try {
    raw = JSON.parse(text.toString('utf8'));
  } catch {
    return state; // not a manifest spikeforge can read: the folder is not (recognisably) its own
  }
  if (!isListing(raw)) return state;
  state.manifest = { generator: raw.generator, files: raw.files.filter((f) => safeName(f.path) && f.path !== MANIFEST_FILE) };
  state.manifestRaw = raw as unknown as Record<string, unknown>;
  for (const f of state.manifest.files) {
    const content = readIfFile(join(target, f.path));
    if (content === null) state.missing.push(f.path);
    else if (sha256(content) !== f.sha256) state.edited.push(f.path);
  }
  return state;
}

function lockHolder(path: string): number | null {
  const text = readIfFile(path);
  const pid = text ? Number(text.toString('utf8').trim()) : NaN;
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Takes the folder's lock (waiting for another writer up to `waitSeconds`); returns the release. */
function lock(target: string, waitSeconds = 120): () => void {
  const path = join(target, LOCK_FILE);
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') fail(target, e);
    }
    const holder = lockHolder(path);
    // A lock whose writer died (killed mid-write) is taken over. A lock file still being
    // written (no pid yet) is waited for like a live one.
    if (holder !== null && holder !== process.pid && !alive(holder)) {
      rmSync(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new OutputError(`cannot write ${target}: another spikeforge process (pid ${holder ?? '?'}) is writing it (${LOCK_FILE}); try again when it is done`);
    }
    sleepSync(50);
  }
}

function list(names: string[], max = 8): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

function shown(target: string): string {
  return target;
}

function writeOne(target: string, name: string, content: string): void {
  const path = join(target, name);
  // Beside the file, so a file in a subfolder (testbench/) is renamed within its own folder.
  const tmp = join(dirname(path), `.${basename(name)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirs(dirname(path));
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    fail(path, e);
  }
}

/**
 * Writes a design's files into `dir` by the rules above; `files` holds the design's files
 * with `manifest.json` among them (written last).
 */
export function writeDesignFolder(dir: string, files: DesignFile[], opts: WriteOptions = {}): WriteOutcome {
  const target = resolve(dir);
  // A read-only output folder is the user's "do not touch": refuse before writing anything.
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new OutputError(`cannot write ${target}: it is a file, not a folder`);
    try {
      accessSync(target, constants.W_OK);
    } catch (e) {
      throw new OutputError(`cannot write ${target}: the output folder is read-only (${errnoOf(e) ?? 'EACCES'})`);
    }
  }
  try {
    mkdirs(target);
  } catch (e) {
    fail(target, e);
  }
  const release = lock(target);
  try {
    return writeLocked(target, files, Boolean(opts.force));
  } finally {
    release();
  }
}

function writeLocked(target: string, files: DesignFile[], force: boolean): WriteOutcome {
  const state = inspectDesignFolder(target);
  const manifest = files.find((f) => f.path === MANIFEST_FILE);
  const body = files.filter((f) => f.path !== MANIFEST_FILE);
  const listed = new Set((state.manifest?.files ?? []).map((f) => f.path));

  if (!force) {
    if (!state.manifest && state.entries.length > 0) {
      throw new OutputError(
        `refusing to write into ${shown(target)}: the folder is not empty (${list(state.entries)}) and holds no spikeforge ${MANIFEST_FILE}, ` +
          `so none of its files are spikeforge's to replace. Write into an empty or new folder (-o DIR), or add --force to write the design's files there anyway ` +
          `(nothing else in the folder is touched)`,
        'SF_OUTPUT_NOT_OURS',
      );
    }
    if (state.edited.length) {
      throw new OutputError(
        `refusing to overwrite ${shown(target)}: ${list(state.edited)} ${state.edited.length === 1 ? 'differs' : 'differ'} from the sha256 in its ${MANIFEST_FILE} (edited by hand?). ` +
          `To co-simulate or synthesise the design as it is on disk use --design ${shown(target)} (verify, synth); ` +
          `to replace the edits with freshly generated files add --force`,
        'SF_OUTPUT_EDITED',
      );
    }
    // A file in a subfolder (testbench/) is foreign when it exists there with other content.
    const present = (path: string) => (path.includes('/') ? existsSync(join(target, path)) : state.entries.includes(path));
    const foreign = body.filter((f) => !listed.has(f.path) && present(f.path) && readIfFile(join(target, f.path))?.toString('utf8') !== f.content).map((f) => f.path);
    if (foreign.length) {
      throw new OutputError(
        `refusing to overwrite ${list(foreign)} in ${shown(target)}: spikeforge did not write ${foreign.length === 1 ? 'it' : 'them'} (not in its ${MANIFEST_FILE}), ` +
          `and the new design has a file of that name. Move ${foreign.length === 1 ? 'it' : 'them'} away, or add --force`,
        'SF_OUTPUT_NOT_OURS',
      );
    }
  }

  const outcome: WriteOutcome = { dir: target, written: [], unchanged: [], removed: [], kept: [] };
  for (const f of body) {
    if (readIfFile(join(target, f.path))?.toString('utf8') === f.content) {
      outcome.unchanged.push(f.path);
      continue;
    }
    writeOne(target, f.path, f.content);
    outcome.written.push(f.path);
  }
  const now = new Set(body.map((f) => f.path));
  const edited = new Set(state.edited);
  for (const f of state.manifest?.files ?? []) {
    if (now.has(f.path) || state.missing.includes(f.path)) continue;
    if (edited.has(f.path)) {
      outcome.kept.push(f.path);
      continue;
    }
    try {
      unlinkSync(join(target, f.path));
      outcome.removed.push(f.path);
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') fail(join(target, f.path), e, 'cannot remove');
    }
  }
  if (manifest) {
    if (readIfFile(join(target, MANIFEST_FILE))?.toString('utf8') === manifest.content) outcome.unchanged.push(MANIFEST_FILE);
    else {
      writeOne(target, MANIFEST_FILE, manifest.content);
      outcome.written.push(MANIFEST_FILE);
    }
  }
  return outcome;
}
