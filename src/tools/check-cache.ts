/**
 * Results of tool runs on a design, cached by content hash in the cache folder (`checks/`):
 * the portability checks (lint, Icarus compile) and the output of Yosys synthesis and
 * nextpnr place and route (src/tools/yosys.ts, src/tools/nextpnr.ts), so a warm test, fuzz,
 * sweep or `synth` run does not lint, compile, synthesise or route an unchanged design again.
 * The key holds everything that decides the result: every file's path and content hash, the
 * top, the tool's version, flags and script, and the vendor models' hashes. Only successes are stored (a failure is re-run, and reported,
 * every time); an entry is written to a temporary name and renamed into place.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, writeCacheFile } from '../base/cache-dir.js';
import { canonicalJson, sha256 } from '../base/hash.js';
import type { GeneratedFile } from '../render/files.js';

/** The part of a check's key that comes from the design: its files by content, and its top. */
export function designKey(files: readonly GeneratedFile[], top: string): unknown {
  return { top, files: files.filter((f) => f.kind !== 'meta').map((f) => [f.path, sha256(f.content)]) };
}

/** The names of the entries in `checks/`: `<kind>-<32 hex digits>.json`. */
export const CHECK_ENTRY = /^[a-z][a-z0-9-]*-[0-9a-f]{32}\.json$/;

/** `run()`'s result for this key: from the cache, or run now and stored when it succeeds. */
export async function cachedCheck<T>(kind: string, key: unknown, run: () => Promise<T>): Promise<T> {
  const root = cacheDir('checks');
  const path = join(root, `${kind}-${sha256(canonicalJson({ kind, key })).slice(0, 32)}.json`);
  if (existsSync(path)) {
    try {
      return (JSON.parse(readFileSync(path, 'utf8')) as { result: T }).result;
    } catch {
      // A damaged entry is run again and replaced.
    }
  }
  const result = await run();
  writeCacheFile(path, `${JSON.stringify({ kind, result: result ?? null })}\n`);
  return result;
}

/**
 * `run()`'s result and whether it came from the cache: from `cachedCheck(kind, key())` when
 * `cache` is on (the key is computed only then), else run now.
 */
export async function maybeCached<T>(cache: boolean | undefined, kind: string, key: () => Promise<unknown>, run: () => Promise<T>): Promise<{ result: T; cached: boolean }> {
  let ran = false;
  const counted = () => {
    ran = true;
    return run();
  };
  const result = cache ? await cachedCheck(kind, await key(), counted) : await counted();
  return { result, cached: !ran };
}
