/**
 * Housekeeping of the model caches (.cache/verilator, .cache/icarus): a build runs in
 * `.<key>.tmp-<pid>-<random>` and is renamed to `<key>` when complete. A build whose
 * process died (killed, machine rebooted) leaves its temporary folder behind; it is never
 * used as an entry, and the next build of any model removes it.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

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
    rmSync(join(root, e), { recursive: true, force: true });
    removed.push(e);
  }
  return removed;
}
