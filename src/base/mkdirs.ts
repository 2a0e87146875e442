/**
 * Creating a folder and its missing parents. Node's `mkdirSync(p, { recursive: true })`
 * loops forever when an ancestor is a pseudo-file system that answers ENOENT to every
 * mkdir (e.g. a path under /proc), so the folders are created one level at a time from
 * the nearest existing ancestor, and any failure is thrown as it is (with its code).
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function mkdirs(path: string): void {
  const target = resolve(path);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(at).isDirectory();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      missing.push(at);
      const up = dirname(at);
      if (up === at) break;
      at = up;
      continue;
    }
    if (!isDir) {
      const err = new Error(`ENOTDIR: not a directory, mkdir '${at}'`) as NodeJS.ErrnoException;
      err.code = 'ENOTDIR';
      err.path = at;
      throw err;
    }
    break;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (e) {
      // Another process may have made it in the meantime.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
