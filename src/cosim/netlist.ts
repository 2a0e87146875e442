/**
 * Netlist co-simulation: the design as Yosys synthesised it for the iCE40 (`synth_ice40`,
 * with a device's options, e.g. `-device u -spram` for the UP5K), written back as Verilog
 * (`write_verilog -noattr`) and simulated together with Yosys's own cell models
 * (`ice40/cells_sim.v`: SB_LUT4, SB_CARRY, SB_DFF*, SB_RAM40_4K, SB_SPRAM256KA) under the same
 * harnesses, stimulus and comparison as the RTL. It proves that the inferred block RAMs and
 * SPRAMs behave as the behavioural RAMs did, and that synthesis kept the design's bits.
 *
 * `cells_sim.v` needs NO_ICE40_DEFAULT_ASSIGNMENTS under both simulators (its input-port
 * default values are a syntax error in Verilator and Icarus -g2012), and none of the
 * ICE40_HX/LP/U defines (they add specify blocks). Its lint warnings are Yosys's, not ours:
 * the co-simulation builds already run with -Wno-fatal; the generated RTL itself stays under
 * the lint gate with no waivers (src/tools/portability.ts).
 *
 * The netlist is cached by a hash of the RTL, the flags and the Yosys version
 * (.cache/netlist/), the built model like any other (by content).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile } from '../render/files.js';
import type { TopPorts } from '../blocks/ports.js';
import { cacheDir, cacheKey, markUsed, writeCacheFile } from '../base/cache-dir.js';
import { sha256 } from '../base/hash.js';
import { runTool, toolVersion } from '../tools/run.js';
import { withRtlDir } from '../tools/workdir.js';
import { buildIcarusModel, runIcarusModel } from './icarus.js';
import { buildSim, runSim } from './verilator.js';
import type { Simulator, SimulatorName } from './simulators.js';

/** Defines both simulators need for Yosys's iCE40 cell models. */
export const CELLS_SIM_DEFINES = ['-DNO_ICE40_DEFAULT_ASSIGNMENTS'];

/** Yosys's iCE40 simulation models (`yosys-config --datdir`/ice40/cells_sim.v). */
export async function ice40CellsSim(): Promise<GeneratedFile> {
  let dir = '/usr/share/yosys';
  try {
    const r = await runTool('yosys-config', ['--datdir'], 'locating the Yosys data folder', { timeoutSeconds: 30 });
    if (r.stdout.trim()) dir = r.stdout.trim();
  } catch {
    // yosys-config is in Debian's yosys-dev; the packaged data folder is the fallback.
  }
  const path = join(dir, 'ice40', 'cells_sim.v');
  return { path: 'ice40_cells_sim.v', content: readFileSync(path, 'utf8'), kind: 'sv' };
}

export interface Netlist {
  file: GeneratedFile;
  cacheHit: boolean;
  seconds: number;
}

/** `synth_ice40 <flags> -top <top>; write_verilog -noattr`, cached by content. */
export async function ice40Netlist(files: GeneratedFile[], top: string, flags: string, timeoutSeconds = 1800): Promise<Netlist> {
  const started = performance.now();
  const yosys = await toolVersion('yosys', '-V');
  const rtl = files.filter((f) => f.kind === 'sv' || f.kind === 'mem');
  const key = cacheKey({ rtl: rtl.map((f) => [f.path, sha256(f.content)]), top, flags, yosys });
  const root = cacheDir('netlist');
  const path = join(root, `${key}.v`);
  const file = (content: string): GeneratedFile => ({ path: `${top}_netlist.v`, content, kind: 'sv' });
  if (existsSync(path)) {
    markUsed(path);
    return { file: file(readFileSync(path, 'utf8')), cacheHit: true, seconds: (performance.now() - started) / 1000 };
  }
  const content = await withRtlDir(files, async (dir, sv) => {
    await runTool('yosys', ['-q', '-p', `read_verilog -sv ${sv.join(' ')}; synth_ice40 ${flags ? `${flags} ` : ''}-top ${top}; write_verilog -noattr netlist.v`], `synthesising the netlist of ${top}`, {
      cwd: dir,
      timeoutSeconds,
    });
    return zeroUndefinedInit(readFileSync(join(dir, 'netlist.v'), 'utf8'));
  });
  writeCacheFile(path, content);
  return { file: file(content), cacheHit: false, seconds: (performance.now() - started) / 1000 };
}

/**
 * Block-RAM contents Yosys leaves undefined (`.INIT_0(256'hxx…)`: RAMs are written before
 * they are read) become zero, which is what nextpnr and icepack put into the bitstream.
 * Verilator 5.006 cannot elaborate x in these parameters (an internal error), and a design
 * that read an unwritten word would be wrong on either value.
 */
export function zeroUndefinedInit(netlist: string): string {
  return netlist.replace(/(\.INIT_[0-9A-F]+\(\d+'h)([0-9a-fxz]+)\)/gi, (_m, head: string, digits: string) => `${head}${digits.replace(/[xz]/gi, '0')})`);
}

/**
 * A simulator that runs the synthesised iCE40 netlist instead of the RTL. `flags` are the
 * device's `synth_ice40` options (`-device u -spram` for the UP5K).
 */
export function netlistSimulator(kind: SimulatorName, flags: string): Simulator {
  const netlistFiles = async (files: GeneratedFile[], spec: TopPorts): Promise<GeneratedFile[]> => {
    const n = await ice40Netlist(files, spec.top, flags);
    // .mem files are already inside the netlist (INIT parameters), so only Verilog goes in.
    return [n.file, await ice40CellsSim()];
  };
  return kind === 'verilator'
    ? {
        name: 'verilator',
        observes: false,
        build: async (files, spec) => buildSim(await netlistFiles(files, spec), spec, 1800, CELLS_SIM_DEFINES),
        run: runSim,
        withWaves: { name: 'verilator', observes: false, build: async (files, spec) => buildSim(await netlistFiles(files, spec), spec, 1800, CELLS_SIM_DEFINES, 'vcd'), run: runSim },
      }
    : { name: 'icarus', observes: false, build: async (files, spec) => buildIcarusModel(await netlistFiles(files, spec), spec, 1800, CELLS_SIM_DEFINES), run: runIcarusModel };
}
