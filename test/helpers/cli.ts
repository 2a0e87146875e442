/** Runs the built CLI (`node bin/spikeforge.js`) as a user would. */
import { execa } from 'execa';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function cli(args: string[], cwd = ROOT, env?: Record<string, string>): Promise<CliResult> {
  const r = await execa('node', [resolve(ROOT, 'bin/spikeforge.js'), ...args], {
    cwd,
    reject: false,
    env,
    timeout: 600_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Runs the CLI's main() in this process, capturing what it prints (faster than a process; no exit). */
export async function runMain(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { main } = await import('../../src/cli/main.js');
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/**
 * The same command through main() in this process, with `cli`'s result shape: for tests of
 * messages and exit codes that main() decides (each process costs about 0.6 s of CPU to start).
 */
export async function inProcess(args: string[]): Promise<CliResult> {
  const r = await runMain(args);
  return { exitCode: r.code, stdout: r.out, stderr: r.err };
}
