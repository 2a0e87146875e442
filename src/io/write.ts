/**
 * Writing files the user named (reports, results, a filled-in vector file, trace
 * folders): atomically (temporary file + rename), and every file-system failure is an
 * OutputError (exit 2) naming the path. Design folders are written by design-folder.ts.
 */
import { mkdirs } from '../base/mkdirs.js';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describeErrno, errnoOf, OutputError } from '../base/errors.js';
import { tempOwner } from '../base/cache-dir.js';

/** Runs `fn`; a system error (EACCES, EROFS, ENOSPC, …) becomes an OutputError naming `path`. */
export function atOutput<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const code = errnoOf(e);
    if (code) throw new OutputError(`cannot write ${resolve(path)}: ${describeErrno(code)}`);
    throw e;
  }
}

/** Creates a folder the user named (and its parents); failures are OutputErrors. */
export function makeOutputDir(dir: string): string {
  const target = resolve(dir);
  atOutput(target, () => mkdirs(target));
  return target;
}

/** Writes one file atomically (temp file `<name>.tmp-<pid>-<machine>-<random>` + rename; src/base/cache-dir.ts). */
export function writeFileAtomically(path: string, content: string | Uint8Array): void {
  const target = resolve(path);
  const tmp = `${target}.tmp-${tempOwner()}-${randomBytes(4).toString('hex')}`;
  try {
    mkdirs(dirname(target));
    writeFileSync(tmp, content);
    renameSync(tmp, target);
  } catch (e) {
    if (existsSync(tmp)) rmSync(tmp, { force: true });
    throw new OutputError(`cannot write ${target}: ${errnoOf(e) ? describeErrno(errnoOf(e)!) : (e as Error).message}`);
  }
}
