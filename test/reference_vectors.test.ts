/**
 * Every vector file in test/fixtures/reference/vectors/ — including the two computed by the
 * paper authors' own PyTorch code — must pass on the golden model and on the RTL.
 * A file whose block is not registered yet shows up as skipped under its own name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blocks } from '../src/design/registry.js';
import { checkVectorFile } from '../src/app/check.js';
import { loadVectorFile } from '../src/vectors/file.js';
import { traceDir, VECTORS_DIR } from './helpers/design.js';

const files = readdirSync(VECTORS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ f, raw: JSON.parse(readFileSync(join(VECTORS_DIR, f), 'utf8')) as Record<string, unknown> }))
  .filter(({ raw }) => raw['format'] === 'spikeforge.vectors.v1')
  .map(({ f, raw }) => ({ f, top: (raw['config'] as { top: keyof typeof blocks }).top }));

describe('reference vector files', () => {
  it('are all found', () => {
    expect(files.length).toBeGreaterThanOrEqual(9);
  });
  for (const { f, top } of files) {
    it.skipIf(!blocks[top])(`${f} (${top}) matches on the model and the RTL`, async () => {
      const vf = loadVectorFile(join(VECTORS_DIR, f));
      const report = await checkVectorFile(vf, { rtl: true, seed: 7, traceDir: traceDir() });
      expect(report.values).toBeGreaterThan(0);
      expect(report.rtl).not.toBeNull();
    });
  }
});
