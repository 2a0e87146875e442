/**
 * Writing files the user named (reports, results, a filled-in vector file, trace
 * folders): atomically (temporary file + rename), and every file-system failure is an
 * OutputError (exit 2) naming the path. Design folders are written by design-folder.ts.
 */
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describeErrno, errnoOf, OutputError } from '../base/errors.js';

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
  atOutput(target, () => mkdirSync(target, { recursive: true }));
  return target;
}

export interface FileToWrite {
  path: string;
  content: string;
}

/** Replaces a whole folder atomically (renamed into place). */
export function writeFolderAtomically(dir: string, files: FileToWrite[]): void {
  const target = resolve(dir);
  const parent = dirname(target);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(parent, `.${basename(target)}.tmp-${tag}`);
  // A read-only output folder is the user's "do not touch": refuse before writing anything
  // (otherwise it would be swapped out and, being undeletable, left beside the new one).
  if (existsSync(target)) {
    try {
      accessSync(target, constants.W_OK);
    } catch (e) {
      throw new OutputError(`cannot write ${target}: the output folder is read-only (${(e as NodeJS.ErrnoException).code ?? 'EACCES'})`);
    }
  }
  try {
    mkdirSync(parent, { recursive: true });
    mkdirSync(tmp);
    for (const f of files) writeFileSync(join(tmp, f.path), f.content);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw new OutputError(`cannot write ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // Swap in. Another writer may be doing the same: retry until our folder is in place.
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(tmp, target);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt > 20) {
        rmSync(tmp, { recursive: true, force: true });
        throw new OutputError(`cannot move the new design into ${target}: ${code ?? (e as Error).message}`);
      }
      const old = join(parent, `.${basename(target)}.old-${tag}-${attempt}`);
      try {
        renameSync(target, old);
        rmSync(old, { recursive: true, force: true });
      } catch {
        // Someone else moved it first; try again.
      }
    }
  }
}

/** Writes one file atomically (temp file + rename). */
export function writeFileAtomically(path: string, content: string): void {
  const target = resolve(path);
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(tmp, content);
    renameSync(tmp, target);
  } catch (e) {
    if (existsSync(tmp)) rmSync(tmp, { force: true });
    throw new OutputError(`cannot write ${target}: ${errnoOf(e) ? describeErrno(errnoOf(e)!) : (e as Error).message}`);
  }
}
