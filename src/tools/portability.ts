/**
 * The portability gate (docs/sv-style.md): every generated design must be lint-clean under
 * `verilator --lint-only -Wall` with no waivers, synthesise with Yosys, and compile under
 * `iverilog -g2012`. Each check throws ToolFailedError with the tool's output when it fails.
 *
 * A design that instantiates vendor primitives (GeneratedFile.vendor: the xc7-chain
 * popcount) brings their third-party models (src/tools/vendor.ts): Verilator reads them as a
 * library with lint turned off for them alone, so `-Wall` still covers every generated file;
 * Icarus compiles them; Yosys synthesises such a design with the 7-series flow (its own
 * primitives) instead of synth_ice40.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vendorLibraries, type GeneratedFile } from '../render/files.js';
import { ToolFailedError } from '../base/errors.js';
import type { TargetName } from '../targets/index.js';
import { runTool, toolVersion } from './run.js';
import { cachedCheck, designKey } from './check-cache.js';
import { vendorModels, verilatorVendorArgs, verilatorVendorConfig, type VendorModel } from './vendor.js';
import { withRtlDir } from './workdir.js';
import { synthesize, type SynthReport } from './yosys.js';

export async function lintVerilator(files: GeneratedFile[], top: string): Promise<void> {
  const models = await vendorModels(vendorLibraries(files));
  const key = { design: designKey(files, top), tool: await toolVersion('verilator'), models: models.map((m) => m.sha256), flags: ['-Wall', '-DSPIKEFORGE_ASSERT', '-DSPIKEFORGE_OBSERVE'] };
  await cachedCheck('lint', key, () => lintNow(files, top, models));
}

async function lintNow(files: GeneratedFile[], top: string, models: VendorModel[]): Promise<void> {
  await withRtlDir(files, async (dir, sv) => {
    if (models.length) writeFileSync(join(dir, 'vendor.vlt'), verilatorVendorConfig(models));
    // Twice: as synthesis reads it, and as the co-simulation builds it, with the design's
    // assertions (SPIKEFORGE_ASSERT) and observation ports (SPIKEFORGE_OBSERVE) compiled in,
    // so that code is held to -Wall too.
    for (const defines of [[], ['-DSPIKEFORGE_ASSERT', '-DSPIKEFORGE_OBSERVE']]) {
      const r = await runTool('verilator', ['--lint-only', '-Wall', ...defines, '--top-module', top, ...verilatorVendorArgs(models, 'vendor.vlt'), ...sv], `linting ${top}`, {
        cwd: dir,
        timeoutSeconds: 300,
      });
      // -Wall warnings are errors here: no waivers.
      if (/%Warning/.test(r.stderr)) throw new ToolFailedError('verilator', `linting ${top} (-Wall, no waivers${defines.length ? ', with SPIKEFORGE_ASSERT and SPIKEFORGE_OBSERVE' : ''})`, r.stderr);
    }
  });
}

export async function compileIcarus(files: GeneratedFile[], top: string): Promise<void> {
  const models = await vendorModels(vendorLibraries(files));
  const key = { design: designKey(files, top), tool: await toolVersion('iverilog', '-V'), models: models.map((m) => m.sha256), flags: ['-g2012', '-Wall'] };
  await cachedCheck('icarus', key, () => compileIcarusNow(files, top, models));
}

async function compileIcarusNow(files: GeneratedFile[], top: string, models: VendorModel[]): Promise<void> {
  await withRtlDir(files, async (dir, sv) => {
    const r = await runTool('iverilog', ['-g2012', '-Wall', '-o', 'sim.vvp', '-s', top, ...sv, ...models.map((m) => m.path)], `compiling ${top}`, {
      cwd: dir,
      timeoutSeconds: 300,
    });
    // Icarus prints "sorry:" for constructs it silently does not support.
    if (/sorry:/i.test(r.stderr)) throw new ToolFailedError('iverilog', `compiling ${top}`, r.stderr);
  });
}

export interface GateReport {
  /** The synthesis flow the gate ran: ice40, or xc7 for a design with AMD 7-series primitives. */
  target: TargetName;
  synth: SynthReport;
}

export async function portabilityGate(files: GeneratedFile[], top: string): Promise<GateReport> {
  await lintVerilator(files, top);
  await compileIcarus(files, top);
  const target: TargetName = vendorLibraries(files).includes('yosys-xilinx-cells') ? 'xc7' : 'ice40';
  // The gate only proves Yosys accepts the design: an identical run's output is enough.
  return { target, synth: await synthesize(files, top, target, { cache: true }) };
}
