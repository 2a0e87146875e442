/**
 * Running external tools (Verilator, Yosys, Icarus, nextpnr, the built simulator) through
 * execa, each with a time limit. A missing tool is reported with how to install it.
 *
 * Every tool runs in a process group of its own (`detached`), so that
 *   - a terminal's Ctrl-C reaches spikeforge only, which decides what happens: on a stop
 *     (src/base/interrupt.ts) it kills each running tool's whole group (the tool and its
 *     children: make, the C++ compiler, yosys-abc) with SIGTERM, then SIGKILL after 2 s,
 *     and the run ends in an InterruptedError — never a tool failure;
 *   - a time-out kills the whole group too (not only the direct child);
 *   - when the process exits, or dies of a signal it has no handler for (a script using the
 *     API), every group still running is killed.
 */
import { accessSync, appendFileSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { CACHE_DIR } from '../base/paths.js';
import { cacheKey, writeCacheFile } from '../base/cache-dir.js';
import { mkdirs } from '../base/mkdirs.js';
import type { ResultPromise } from 'execa';
import { ToolFailedError, ToolMissingError, ToolTimeoutError } from '../base/errors.js';
import { interrupted, stopSignal, throwIfStopped } from '../base/interrupt.js';

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

/** The executable `tool` names as the shell would find it (PATH lookup; a path is taken as it is), or null. */
function findOnPath(tool: string): string | null {
  const dirs = tool.includes('/') ? [''] : (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  for (const d of dirs) {
    const p = d ? join(d, tool) : tool;
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** The absolute path of `tool` on PATH (as the shell would run it), or the name when not found. */
export function toolPath(tool: string): string {
  return tool.includes('/') ? tool : (findOnPath(tool) ?? tool);
}

/** Whether `tool` is an executable on PATH (or a path to one); looked up once per tool, without spawning. */
export async function hasTool(tool: string): Promise<boolean> {
  if (!found.has(tool)) found.set(tool, findOnPath(tool) !== null);
  return found.get(tool)!;
}

export async function requireTool(tool: string): Promise<void> {
  if (!(await hasTool(tool))) throw new ToolMissingError(tool);
}

/** Process groups of the tools running now (their leaders' pids). */
const running = new Set<number>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Kills every running tool's process group now (a second Ctrl-C, or the process exiting). */
export function killRunningTools(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of running) killGroup(pid, signal);
}

process.once('exit', () => killRunningTools('SIGKILL'));

/**
 * A caller that handles no signals (a script or test runner importing spikeforge's API, not
 * the CLI, whose handlers request a stop) dies of SIGINT/SIGTERM/SIGHUP without running
 * 'exit' handlers, and the detached tool groups would run on (a yosys-abc was seen running
 * for three hours after its caller was killed). While a tool runs, a fallback listener
 * kills the groups and re-raises the signal, so the process still dies of it. It steps
 * aside when anyone else listens to the signal: their handling stays exactly as it was.
 */
const FATAL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function onFatalSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  killRunningTools('SIGKILL');
  guardSignals(false);
  process.kill(process.pid, signal);
}

let guarded = false;

/** Installs or removes the fallback listener; a no-op when already so (removing and re-adding would drop a signal arriving in between). */
function guardSignals(on: boolean): void {
  if (on === guarded) return;
  guarded = on;
  for (const s of FATAL_SIGNALS) {
    if (on) process.on(s, onFatalSignal);
    else process.removeListener(s, onFatalSignal);
  }
}

/**
 * execa, loaded on first use: it is a hundred modules, a quarter of a second of every CLI
 * start, and commands that run no tool (generate, check, golden, --help) never need it.
 */
export async function loadExeca(): Promise<typeof import('execa')> {
  return import('execa');
}

export async function runTool(tool: string, args: string[], what: string, opts: RunOptions): Promise<RunResult> {
  await requireTool(tool);
  const { execa } = await loadExeca();
  // After the last await before the spawn: a stop requested meanwhile starts nothing.
  throwIfStopped(what);
  const started = performance.now();
  // Before the spawn: a signal that arrives while execa sets the child up is handled only
  // after this synchronous stretch, when the child is in `running`.
  guardSignals(true);
  const child: ResultPromise = execa(tool, args, {
    cwd: opts.cwd,
    env: opts.env,
    reject: false,
    all: true,
    stdin: 'ignore',
    detached: true,
    cleanup: false,
  });
  const pid = child.pid;
  let timedOut = false;
  let stopped = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (pid) killGroup(pid, 'SIGKILL');
  }, opts.timeoutSeconds * 1000);
  let force: NodeJS.Timeout | undefined;
  const onStop = () => {
    stopped = true;
    if (!pid) return;
    killGroup(pid, 'SIGTERM');
    force = setTimeout(() => killGroup(pid, 'SIGKILL'), 2000);
  };
  if (pid) running.add(pid);
  guardSignals(running.size > 0);
  stopSignal.addEventListener('abort', onStop, { once: true });
  let r;
  try {
    r = await child;
  } finally {
    clearTimeout(timer);
    clearTimeout(force);
    stopSignal.removeEventListener('abort', onStop);
    if (pid) {
      running.delete(pid);
      guardSignals(running.size > 0);
      // The leader is gone; what it started (make's compilers) goes with it when it was stopped.
      if (timedOut || stopped) killGroup(pid, 'SIGKILL');
    }
  }
  const seconds = (performance.now() - started) / 1000;
  // SPIKEFORGE_TOOL_LOG=FILE: one line per tool run (seconds, tool, what), for finding where time goes.
  const toolLog = process.env['SPIKEFORGE_TOOL_LOG'];
  if (toolLog) appendFileSync(toolLog, `${seconds.toFixed(2)} ${tool.split('/').pop()} ${what}\n`);
  const exitCode = r.exitCode ?? -1;
  const ok = exitCode === 0 || (opts.okExitCodes ?? []).includes(exitCode);
  // A tool that did not finish because we stopped it is not a tool failure.
  if (!ok && (stopped || stopSignal.aborted)) throw interrupted(what);
  if (timedOut && !ok) throw new ToolTimeoutError(tool, what, opts.timeoutSeconds);
  if (!ok) throw new ToolFailedError(tool, what, String(r.all ?? `${r.stdout}\n${r.stderr}`));
  return { exitCode, stdout: String(r.stdout), stderr: String(r.stderr), seconds };
}

const versions = new Map<string, string>();

/** First line of `tool --version` (or -V), cached; part of every build-cache key. */
export async function toolVersion(tool: string, flag = '--version'): Promise<string> {
  if (!versions.has(tool)) {
    const out = await probeTool(tool, [flag], 'reporting its version');
    versions.set(tool, out.split('\n')[0]!.trim());
  }
  return versions.get(tool)!;
}

/**
 * What `tool args` prints (stdout, else stderr), remembered on disk under the cache folder
 * for as long as the executable is the same file (path, size, modification time, inode).
 * Every build-cache key holds tool versions, and asking Verilator (a Perl script) for its
 * version and install folder costs about a second per process: the CLI and every test file
 * paid it before any cached model could be used. A reinstalled or upgraded tool is another
 * file, hence another entry; an unwritable cache only loses the memo.
 */
export async function probeTool(tool: string, args: string[], what: string): Promise<string> {
  await requireTool(tool);
  const exe = resolveTool(tool);
  let memo: string | null = null;
  try {
    const st = statSync(exe);
    const id = cacheKey({ exe, size: st.size, mtime: st.mtimeMs, ino: st.ino, args });
    memo = join(CACHE_DIR, 'tools', `${id}.json`);
    const entry = JSON.parse(readFileSync(memo, 'utf8')) as { exe?: string; args?: string[]; out?: unknown };
    if (entry.exe === exe && typeof entry.out === 'string') return entry.out;
  } catch {
    // No entry yet (or an unreadable one): ask the tool.
  }
  const r = await runTool(tool, args, what, { timeoutSeconds: 30 });
  const out = r.stdout || r.stderr;
  if (memo) {
    try {
      mkdirs(dirname(memo));
      writeCacheFile(memo, `${JSON.stringify({ exe, args, out })}\n`);
    } catch {
      // The cache is not writable here: the next process asks the tool again.
    }
  }
  return out;
}

/** The real path of the executable `tool` names (PATH lookup, symlinks resolved). */
function resolveTool(tool: string): string {
  const p = findOnPath(tool);
  if (p === null) return tool;
  try {
    return realpathSync(p);
  } catch {
    return tool;
  }
}
