/**
 * Housekeeping of the model caches (<cache>/verilator, <cache>/icarus; the cache folder is src/base/paths.ts): a build runs in
 * `.<key>.tmp-<pid>-<random>` and is renamed to `<key>` when complete. A build whose
 * process died (killed, machine rebooted) leaves its temporary folder behind; it is never
 * used as an entry, and the next build of any model removes it.
 */
import { mkdirs } from '../base/mkdirs.js';
import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { GeneratedFile } from '../render/files.js';
import type { TopPorts, StreamBeats } from '../blocks/ports.js';
import { canonicalJson, sha256 } from '../base/hash.js';
import { inCache, processAlive as alive } from '../base/cache-dir.js';

/** Removes temporary build folders of processes that no longer run; returns their names. */
export function removeStaleBuilds(root: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const e of entries) {
    const m = /^\.[0-9a-f]+\.tmp-(\d+)-[0-9a-f]+$/.exec(e);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    try {
      rmSync(join(root, e), { recursive: true, force: true });
      removed.push(e);
    } catch {
      // Not ours to remove (another user's cache entry): leave it.
    }
  }
  return removed;
}

/** The cache key of a model: every input of the build (RTL, testbench, tool version, flags, top). */
export function simKey(files: GeneratedFile[], tb: string, version: string, flags: readonly string[], top: string): string {
  const rtl = files.filter((f) => f.kind === 'sv' || f.kind === 'mem');
  return sha256(canonicalJson({ rtl: rtl.map((f) => [f.path, sha256(f.content)]), tb: sha256(tb), version, flags, top })).slice(0, 24);
}

export interface CachedSim {
  dir: string;
  binary: string;
  /** Folder holding the RTL and .mem files; simulators run here so $readmemh finds them. */
  rtlDir: string;
  cacheHit: boolean;
  seconds: number;
  key: string;
}

export interface SimBuild {
  /** Cache folder of this simulator (<cache>/verilator, <cache>/icarus). */
  root: string;
  /** The design's files; only SV and .mem go into a build. */
  files: GeneratedFile[];
  /** Testbench file name and text. */
  tbName: string;
  tb: string;
  /** Tool version and flags: part of the key, so a tool upgrade rebuilds. */
  version: string;
  flags: readonly string[];
  top: string;
  /** The built binary, relative to the entry folder. */
  binary: string;
  /** Compiles in `tmp` (holding rtl/ and the testbench); `svPaths` are relative to it. */
  compile: (tmp: string, svPaths: string[]) => Promise<void>;
}

/**
 * A model built once per content hash of everything that goes into it (RTL, testbench,
 * tool version, flags, top). The build runs in a temporary folder renamed into place, so
 * concurrent or interrupted builds never leave a broken entry.
 */
export async function buildCachedSim(b: SimBuild): Promise<CachedSim> {
  const started = performance.now();
  const rtl = b.files.filter((f) => f.kind === 'sv' || f.kind === 'mem');
  const key = simKey(b.files, b.tb, b.version, b.flags, b.top);
  const dir = join(b.root, key);
  const result = (cacheHit: boolean): CachedSim => ({
    dir,
    binary: join(dir, b.binary),
    rtlDir: join(dir, 'rtl'),
    cacheHit,
    seconds: (performance.now() - started) / 1000,
    key,
  });
  if (existsSync(join(dir, b.binary))) return result(true);

  inCache(b.root, () => mkdirs(b.root));
  removeStaleBuilds(b.root);
  const tmp = join(b.root, `.${key}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  inCache(tmp, () => mkdirs(join(tmp, 'rtl')));
  try {
    inCache(tmp, () => {
      for (const f of rtl) writeFileSync(join(tmp, 'rtl', f.path), f.content);
      writeFileSync(join(tmp, b.tbName), b.tb);
    });
    await b.compile(
      tmp,
      rtl.filter((f) => f.kind === 'sv').map((f) => join('rtl', f.path)),
    );
    try {
      renameSync(tmp, dir);
    } catch {
      // Another process finished the same build first: use theirs.
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return result(false);
}

/** One beat as the harnesses read it: hex fields separated by spaces. */
function formatBeat(beat: bigint[]): string {
  return beat.map((v) => v.toString(16)).join(' ');
}

export interface HarnessRun {
  seed: number;
  pValid: number;
  pReady: number;
  maxCycles: number;
  tracePath?: string;
}

/**
 * Writes the input beats into `runDir` and returns the plusargs both harnesses (Verilator
 * C++ and Icarus SV) take: seed, valid/ready probabilities, cycle limit, one input file and
 * one output file per stream, the expected beat counts and an optional waveform path.
 */
export function harnessArgs(
  runDir: string,
  spec: TopPorts,
  inputs: StreamBeats,
  expected: Record<string, number>,
  run: HarnessRun,
): string[] {
  const args = [`+seed=${run.seed}`, `+pvalid=${run.pValid}`, `+pready=${run.pReady}`, `+maxcycles=${run.maxCycles}`];
  for (const s of spec.inputs) {
    const path = join(runDir, `in_${s.name}.txt`);
    writeFileSync(path, (inputs[s.name] ?? []).map((b) => `${formatBeat(b)}\n`).join(''));
    args.push(`+in_${s.name}=${path}`);
  }
  for (const s of spec.outputs) {
    args.push(`+out_${s.name}=${join(runDir, `out_${s.name}.txt`)}`, `+expect_${s.name}=${expected[s.name] ?? 0}`);
  }
  if (run.tracePath) args.push(`+trace=${run.tracePath}`);
  return args;
}
