/**
 * The portability gate (docs/sv-style.md): every generated design must be lint-clean under
 * `verilator --lint-only -Wall` with no waivers, synthesise with Yosys `synth_ice40`,
 * and compile under `iverilog -g2012`. Each check throws ToolFailedError with the
 * tool's output when it fails.
 */
import type { GeneratedFile } from '../render/files.js';
import { ToolFailedError } from '../base/errors.js';
import { runTool } from './run.js';
import { withRtlDir } from './workdir.js';
import { synthesize, type SynthReport } from './yosys.js';

export async function lintVerilator(files: GeneratedFile[], top: string): Promise<void> {
  await withRtlDir(files, async (dir, sv) => {
    const r = await runTool('verilator', ['--lint-only', '-Wall', '--top-module', top, ...sv], `linting ${top}`, {
      cwd: dir,
      timeoutSeconds: 300,
    });
    // -Wall warnings are errors here: no waivers.
    if (/%Warning/.test(r.stderr)) throw new ToolFailedError('verilator', `linting ${top} (-Wall, no waivers)`, r.stderr);
  });
}

export async function compileIcarus(files: GeneratedFile[], top: string): Promise<void> {
  await withRtlDir(files, async (dir, sv) => {
    const r = await runTool('iverilog', ['-g2012', '-Wall', '-o', 'sim.vvp', '-s', top, ...sv], `compiling ${top}`, {
      cwd: dir,
      timeoutSeconds: 300,
    });
    // Icarus prints "sorry:" for constructs it silently does not support.
    if (/sorry:/i.test(r.stderr)) throw new ToolFailedError('iverilog', `compiling ${top}`, r.stderr);
  });
}

export interface GateReport {
  ice40: SynthReport;
}

export async function portabilityGate(files: GeneratedFile[], top: string): Promise<GateReport> {
  await lintVerilator(files, top);
  await compileIcarus(files, top);
  const ice40 = await synthesize(files, top, 'ice40');
  return { ice40 };
}
