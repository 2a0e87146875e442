/**
 * What a fuzzed config must do.
 *
 *   valid   → generate (twice: byte-identical), `verilator --lint-only -Wall` clean,
 *             `iverilog -g2012` compiles, and optionally Yosys synth_ice40 accepts and a
 *             short co-simulation is bit-exact;
 *   invalid → `spikeforge generate` exits 2, the message names the key (or the file
 *             problem), no stack trace, no output folder, nothing left beside it.
 *
 * Each check returns a problem description (null when all is well) instead of throwing,
 * so fast-check can shrink on it and the caller can save the minimal case.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { main } from '../cli/main.js';
import { generateDesign } from '../design/design.js';
import { PACKAGE_ROOT } from '../base/paths.js';
import { cacheTempDir } from '../base/cache-dir.js';
import { verifyDesign } from '../app/verify.js';
import { resolveConfig } from '../io/config-file.js';
import { compileIcarus, lintVerilator } from '../tools/portability.js';
import { synthesize } from '../tools/yosys.js';
import type { InvalidCase, RawConfig } from './configs.js';

/** The stages of a valid config's check, in order. */
export const VALID_STAGES = ['config', 'generate', 'verilator -Wall lint', 'iverilog -g2012', 'yosys synth_ice40', 'co-simulation'] as const;
export type ValidStage = (typeof VALID_STAGES)[number];

export interface ValidChecks {
  yosys: boolean;
  cosim: boolean;
  /** Stop after this stage (shrinking a failure only needs the stages up to the failing one). */
  stopAfter?: ValidStage;
  /** Random cases of the co-simulation. */
  vectors: number;
  seed: number;
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Runs every check of a valid config; the first problem, or null. */
export async function checkValidConfig(raw: RawConfig, checks: ValidChecks): Promise<string | null> {
  let stage: ValidStage = 'config';
  const last = VALID_STAGES.indexOf(checks.stopAfter ?? 'co-simulation');
  const past = (s: ValidStage) => VALID_STAGES.indexOf(s) > last;
  try {
    const cfg = resolveConfig(raw, PACKAGE_ROOT);
    if (past('generate')) return null;
    stage = 'generate';
    const design = generateDesign(cfg);
    const again = generateDesign(resolveConfig(JSON.parse(JSON.stringify(raw)), PACKAGE_ROOT));
    if (JSON.stringify(again.files) !== JSON.stringify(design.files)) return 'generate: two runs of the same config differ';
    for (const f of design.files) if (f.content.includes('{{')) return `generate: ${f.path} holds an unrendered '{{'`;
    if (past('verilator -Wall lint')) return null;
    stage = 'verilator -Wall lint';
    await lintVerilator(design.files, design.topModule);
    if (past('iverilog -g2012')) return null;
    stage = 'iverilog -g2012';
    await compileIcarus(design.files, design.topModule);
    if (checks.yosys && !past('yosys synth_ice40')) {
      stage = 'yosys synth_ice40';
      // ice40 unless the design is for xc7 (7-series primitives only map there). Through the
      // check cache: a replayed seed's unchanged design is not synthesised again.
      await synthesize(design.files, design.topModule, cfg.target === 'xc7' ? 'xc7' : 'ice40', { cache: true });
    }
    if (checks.cosim && !past('co-simulation')) {
      stage = 'co-simulation';
      const traceDir = cacheTempDir('fuzz');
      try {
        await verifyDesign(design, { vectors: checks.vectors, seed: checks.seed, trace: false, traceDir });
      } finally {
        rmSync(traceDir, { recursive: true, force: true });
      }
    }
    return null;
  } catch (e) {
    return `${stage}: ${errorText(e).split('\n').slice(0, 12).join('\n')}`;
  }
}

export interface GenerateRun {
  exitCode: number;
  stderr: string;
  stdout: string;
}

/** Writes the case's config (and table files) into a fresh folder; returns the config path. */
function writeCase(c: InvalidCase, dir: string): string {
  for (const [name, text] of Object.entries(c.files)) writeFileSync(join(dir, name), text);
  const path = join(dir, 'config.json');
  writeFileSync(path, c.raw ?? JSON.stringify(c.config));
  return path;
}

/** `generate` in this process (the CLI's own main(), minus the launcher) or as a real process. */
async function runGenerate(configPath: string, out: string, via: 'in-process' | 'cli'): Promise<GenerateRun> {
  if (via === 'in-process') {
    let stdout = '';
    let stderr = '';
    const exitCode = await main(['generate', configPath, '-o', out], { out: (t) => (stdout += t), err: (t) => (stderr += t) });
    return { exitCode, stdout, stderr };
  }
  const r = await execa(process.execPath, [join(PACKAGE_ROOT, 'bin', 'spikeforge.js'), 'generate', configPath, '-o', out], { reject: false, timeout: 60_000 });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Runs `generate` on an invalid case; the first problem, or null. */
export async function checkInvalidConfig(c: InvalidCase, via: 'in-process' | 'cli'): Promise<string | null> {
  const dir = mkdtempSync(join(tmpdir(), 'sf-fuzz-'));
  try {
    const path = writeCase(c, dir);
    const before = readdirSync(dir).sort();
    const out = join(dir, 'out');
    const r = await runGenerate(path, out, via);
    const problems: string[] = [];
    if (r.exitCode !== 2) problems.push(`exit ${r.exitCode}, expected 2`);
    if (c.key !== null && !r.stderr.includes(`config key "${c.key}"`)) problems.push(`the message does not name config key "${c.key}"`);
    if (c.message !== null && !new RegExp(c.message).test(r.stderr)) problems.push(`the message does not match /${c.message}/`);
    if (/internal error|\n\s+at \S+ \(|\n\s+at (file|node):/.test(r.stderr)) problems.push('a stack trace or internal error was printed');
    if (existsSync(out)) problems.push('an output folder was created');
    const after = readdirSync(dir).sort();
    if (JSON.stringify(after) !== JSON.stringify(before)) problems.push(`files were left beside it: ${after.filter((f) => !before.includes(f)).join(', ')}`);
    return problems.length ? `${problems.join('; ')}\n  stderr: ${r.stderr.trim().slice(0, 400)}` : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
