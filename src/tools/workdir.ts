/** A scratch folder holding a design's RTL for a tool run, removed afterwards. */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile } from '../render/files.js';
import { CACHE_DIR } from '../base/paths.js';

export async function withRtlDir<T>(files: GeneratedFile[], fn: (dir: string, svFiles: string[]) => Promise<T>): Promise<T> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const dir = mkdtempSync(join(CACHE_DIR, 'tool-'));
  try {
    const rtl = files.filter((f) => f.kind === 'sv' || f.kind === 'mem');
    for (const f of rtl) writeFileSync(join(dir, f.path), f.content);
    return await fn(
      dir,
      rtl.filter((f) => f.kind === 'sv').map((f) => f.path),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
