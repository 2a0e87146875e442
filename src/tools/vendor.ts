/**
 * Vendor simulation libraries: third-party models of the primitives a generated design may
 * instantiate (GeneratedFile.vendor). Today one: Yosys's `xilinx/cells_sim.v` (LUT6_2,
 * CARRY4, … — the models Yosys itself maps to), found in Yosys's data directory.
 *
 * They are third-party files, so they are linted apart from the generated RTL: the
 * portability gate runs `verilator -Wall` on the generated files with the models as a
 * library (`-v`) under a Verilator configuration that turns lint off for the model file
 * only; Icarus and Verilator simulation compile them as they are. Nothing is copied into
 * the design folder: the manifest names the library, the user's flow supplies it (every
 * Vivado and Yosys install has these primitives).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { ToolFailedError } from '../base/errors.js';
import { VENDOR_LIBRARY_FILES, type VendorLibrary } from '../render/files.js';
import { loadExeca, requireTool } from './run.js';

export interface VendorModel {
  library: VendorLibrary;
  /** Absolute path of the model file. */
  path: string;
  /** sha256 of its text: part of every simulation-cache key that compiles it. */
  sha256: string;
}

let datdir: string | null = null;

/**
 * Yosys's data directory: SPIKEFORGE_YOSYS_DATDIR, else `yosys-config --datdir`, else
 * `<prefix>/share/yosys` next to the `yosys` binary (Debian ships no yosys-config).
 */
async function yosysDatdir(): Promise<string> {
  if (datdir) return datdir;
  const env = process.env['SPIKEFORGE_YOSYS_DATDIR'];
  if (env) return (datdir = env);
  const { execa } = await loadExeca();
  const cfg = await execa('yosys-config', ['--datdir'], { reject: false });
  if (cfg.exitCode === 0 && String(cfg.stdout).trim()) return (datdir = String(cfg.stdout).trim());
  await requireTool('yosys');
  const which = await execa('sh', ['-c', 'command -v yosys'], { reject: false });
  const bin = realpathSync(String(which.stdout).trim());
  return (datdir = join(dirname(dirname(bin)), 'share', 'yosys'));
}

const models = new Map<VendorLibrary, VendorModel>();

export async function vendorModel(library: VendorLibrary): Promise<VendorModel> {
  const known = models.get(library);
  if (known) return known;
  const dir = await yosysDatdir();
  const path = join(dir, VENDOR_LIBRARY_FILES[library].file);
  if (!existsSync(path)) {
    throw new ToolFailedError(
      'yosys',
      `finding ${VENDOR_LIBRARY_FILES[library].what}`,
      `${path} does not exist; set SPIKEFORGE_YOSYS_DATDIR to the folder \`yosys-config --datdir\` would print`,
    );
  }
  const model = { library, path, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
  models.set(library, model);
  return model;
}

export async function vendorModels(libraries: readonly VendorLibrary[]): Promise<VendorModel[]> {
  return Promise.all(libraries.map(vendorModel));
}

/**
 * A Verilator configuration file (`.vlt`) that keeps lint off the third-party models and
 * only there: the generated files stay under `-Wall` with no waiver. UNOPTFLAT (CARRY4's
 * CO chain inside one vector) needs its own line: a file-wide lint_off without -rule does
 * not cover it.
 */
export function verilatorVendorConfig(models: readonly VendorModel[]): string {
  const lines = ['`verilator_config', '// Third-party primitive models (src/tools/vendor.ts): linted apart from the generated RTL.'];
  for (const m of models) {
    const base = m.path.split('/').pop()!;
    lines.push(`lint_off -rule UNOPTFLAT -file "*${base}"`, `lint_off -file "*${base}"`);
  }
  return `${lines.join('\n')}\n`;
}

/** Verilator arguments that bring the models in: the config file, then each model as a library (`-v`, no MULTITOP). */
export function verilatorVendorArgs(models: readonly VendorModel[], vltPath: string): string[] {
  return models.length ? [vltPath, ...models.flatMap((m) => ['-v', m.path])] : [];
}
