/** Test helpers: designs from inline configs, co-simulation and the portability gate. */
import { mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { resolveConfig } from '../../src/io/config-file.js';
import { generateDesign, type Design } from '../../src/design/design.js';
import { verifyDesign, type VerifyReport } from '../../src/app/verify.js';
import { portabilityGate, type GateReport } from '../../src/tools/portability.js';
import { cacheDir } from '../../src/base/cache-dir.js';
import type { GeneratedFile } from '../../src/render/files.js';

/** Reference data copied into the repo (see test/fixtures/reference/README.md). */
export const REFERENCE_DIR = resolve(__dirname, '../fixtures/reference');
export const VECTORS_DIR = join(REFERENCE_DIR, 'vectors');

export function design(raw: Record<string, unknown>, baseDir = VECTORS_DIR): Design {
  return generateDesign(resolveConfig(raw, baseDir));
}

/** A fresh folder for waveforms of failing runs, under the cache folder (never elsewhere in the user's home). */
export function traceDir(): string {
  return mkdtempSync(join(cacheDir('test-traces'), 't-'));
}

/**
 * Co-simulates with random + corner + exhaustive stimulus; fails the test on any mismatch.
 * A failure's waveform (a second Verilator build, with waveform support) only when asked:
 * most tests that expect a failure check its message, and the build would cost seconds.
 */
export async function expectBitExact(d: Design, vectors = 20, seed = 1, opts: { failureWaveform?: boolean } = {}): Promise<VerifyReport> {
  const report = await verifyDesign(d, { vectors, seed, trace: false, traceDir: traceDir(), failureWaveform: opts.failureWaveform ?? false });
  expect(report.cases).toBeGreaterThan(0);
  expect(report.values).toBeGreaterThan(0);
  return report;
}

/** Verilator -Wall lint (no waivers), Icarus compile, Yosys synth_ice40 (synth_xilinx for a design with 7-series primitives). */
export async function expectPortable(d: Design): Promise<GateReport> {
  const report = await portabilityGate(d.files, d.topModule);
  expect(report.synth.luts + report.synth.ffs + report.synth.brams).toBeGreaterThan(0);
  return report;
}

/** A copy of the design with one generated file edited (for tests that must fail). */
export function mutate(d: Design, path: string, edit: (text: string) => string): Design {
  const files: GeneratedFile[] = d.files.map((f) => {
    if (f.path !== path) return f;
    const content = edit(f.content);
    if (content === f.content) throw new Error(`mutation did not change ${path}`);
    return { ...f, content };
  });
  return { ...d, files };
}
