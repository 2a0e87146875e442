/**
 * A scratch folder holding a design's RTL for a tool run (`<cache>/tool-<pid>-XXXXXX`),
 * removed afterwards — also when the run fails or is interrupted (the error unwinds
 * through here); a killed process's folder is removed by the next run (src/base/cache-dir.ts).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile } from '../render/files.js';
import { cacheTempDir, inCache } from '../base/cache-dir.js';

export async function withRtlDir<T>(files: GeneratedFile[], fn: (dir: string, svFiles: string[]) => Promise<T>): Promise<T> {
  const dir = cacheTempDir('tool');
  try {
    const rtl = files.filter((f) => f.kind === 'sv' || f.kind === 'mem');
    inCache(dir, () => {
      for (const f of rtl) writeFileSync(join(dir, f.path), f.content);
    });
    return await fn(
      dir,
      rtl.filter((f) => f.kind === 'sv').map((f) => f.path),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
