/**
 * Running external tools (Verilator, Yosys, Icarus, make, the built simulator) through
 * execa, each with a time limit. A missing tool is reported with how to install it.
 */
import { execa, type ResultPromise } from 'execa';
import { ToolFailedError, ToolMissingError, ToolTimeoutError } from '../base/errors.js';

export interface RunOptions {
  cwd?: string;
  timeoutSeconds: number;
  env?: Record<string, string>;
  /** Exit codes that are results, not failures (the caller reads them). */
  okExitCodes?: number[];
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

const found = new Map<string, boolean>();

export async function hasTool(tool: string): Promise<boolean> {
  if (!found.has(tool)) {
    const r = await execa('sh', ['-c', `command -v ${tool}`], { reject: false });
    found.set(tool, r.exitCode === 0);
  }
  return found.get(tool)!;
}

export async function requireTool(tool: string): Promise<void> {
  if (!(await hasTool(tool))) throw new ToolMissingError(tool);
}

export async function runTool(tool: string, args: string[], what: string, opts: RunOptions): Promise<RunResult> {
  await requireTool(tool);
  const started = performance.now();
  const child: ResultPromise = execa(tool, args, {
    cwd: opts.cwd,
    env: opts.env,
    reject: false,
    all: true,
    timeout: opts.timeoutSeconds * 1000,
    killSignal: 'SIGKILL',
    stdin: 'ignore',
  });
  const r = await child;
  const seconds = (performance.now() - started) / 1000;
  if (r.timedOut) throw new ToolTimeoutError(tool, what, opts.timeoutSeconds);
  const exitCode = r.exitCode ?? -1;
  const ok = exitCode === 0 || (opts.okExitCodes ?? []).includes(exitCode);
  if (!ok) throw new ToolFailedError(tool, what, String(r.all ?? `${r.stdout}\n${r.stderr}`));
  return { exitCode, stdout: String(r.stdout), stderr: String(r.stderr), seconds };
}

const versions = new Map<string, string>();

/** First line of `tool --version` (or -V), cached; part of every build-cache key. */
export async function toolVersion(tool: string, flag = '--version'): Promise<string> {
  if (!versions.has(tool)) {
    const r = await runTool(tool, [flag], 'reporting its version', { timeoutSeconds: 30 });
    versions.set(tool, (r.stdout || r.stderr).split('\n')[0]!.trim());
  }
  return versions.get(tool)!;
}
