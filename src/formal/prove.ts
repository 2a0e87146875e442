/**
 * Running a formal proof with Yosys's SAT solver (`sat`, MiniSat inside Yosys: no other
 * solver needed) and reading its verdict.
 *
 * A proof is a set of RTL files plus a miter module (src/formal/miter.ts) whose 1-bit
 * output `ok_o` must be 1 in every cycle. Combinational miters are proved with
 * `sat -prove ok_o 1` over every input value; sequential ones with temporal induction
 * (`sat -tempinduct`): the base case from the miter's initial state, then induction of
 * growing length until it closes or `maxSteps` is reached.
 *
 * Verdicts: `proved`; `refuted` with the counterexample Yosys found (the values of the shown
 * signals per time step); `unknown` when induction did not close within `maxSteps` (no
 * counterexample either: the property may hold but is not inductive at that length).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolFailedError } from '../base/errors.js';
import type { GeneratedFile } from '../render/files.js';
import { runTool } from '../tools/run.js';
import { withRtlDir } from '../tools/workdir.js';

export type ProofStatus = 'proved' | 'refuted' | 'unknown';

/** One value of a counterexample: signal at a time step (`init`: a register's initial state; `-`: combinational). */
export interface TraceValue {
  step: string;
  signal: string;
  /** As Yosys prints it, hexadecimal (x for undefined bits). */
  hex: string;
}

export interface ProofResult {
  status: ProofStatus;
  /** Sequential proofs: the induction length that closed the proof (or the last one tried). */
  steps: number | null;
  /** Wall-clock seconds of the Yosys run. */
  seconds: number;
  /** CPU seconds Yosys reports for itself (user + system): the cost on a shared machine. */
  cpuSeconds: number | null;
  counterexample: TraceValue[] | null;
  /** The end of Yosys's log (for messages). */
  log: string;
}

export interface ProofTask {
  /** What is proved, in words (for reports and test names). */
  title: string;
  /** RTL of the designs under proof, and the miter (its top module is `top`). */
  files: GeneratedFile[];
  top: string;
  /** `comb`: every input value at once; `induction`: temporal induction from the initial state. */
  mode: 'comb' | 'induction';
  /** Induction: give up (verdict unknown) past this length. */
  maxSteps?: number;
  /** Signals printed in a counterexample (default: the miter's inputs). */
  show?: string[];
  /** Commands run after flattening and before `sat` (e.g. extra constraints). */
  prepare?: string[];
}

/** Yosys script of a proof: elaborate, flatten (through keep_hierarchy), map memories, prove. */
export function proofScript(task: ProofTask, svFiles: string[]): string {
  const show = task.show?.length ? task.show.map((s) => `-show ${s}`).join(' ') : '-show-inputs';
  const sat =
    task.mode === 'comb'
      ? `sat -prove ok_o 1 -verify ${show} ${task.top}`
      : `sat -tempinduct -prove ok_o 1 -maxsteps ${task.maxSteps ?? 8} -verify ${show} ${task.top}`;
  return [
    `read_verilog -sv ${svFiles.join(' ')}`,
    `hierarchy -check -top ${task.top}`,
    // Popcount adders are keep_hierarchy modules (for the iCE40 carry chain): flatten them too.
    'setattr -mod -unset keep_hierarchy *',
    'proc',
    'flatten',
    'memory',
    // Shown signals must survive optimisation (a counterexample prints them).
    ...(task.show ?? []).map((s) => `setattr -set keep 1 w:${s}`),
    'opt -fast',
    ...(task.prepare ?? []),
    sat,
  ].join('\n');
}

/** Parses the counterexample table Yosys prints after a failed proof. */
export function parseCounterexample(log: string): TraceValue[] {
  const at = Math.max(log.lastIndexOf('FAIL!'), log.lastIndexOf('model found'));
  const out: TraceValue[] = [];
  for (const line of log.slice(at < 0 ? 0 : at).split('\n')) {
    // "  <step> \\<signal> <dec> <hex> <bin>" (sequential) or "  \\<signal> <dec> <hex> <bin>" (combinational).
    const m = /^\s+(?:(init|\d+)\s+)?\\(\S+)\s+\S+\s+([0-9a-fA-Fx-]+)\s+[01x-]+\s*$/.exec(line);
    if (m) out.push({ step: m[1] ?? '-', signal: m[2]!, hex: m[3]! });
  }
  return out;
}

/** "End of script. … CPU: user 1.23s system 0.04s …" → 1.27 (null when absent, e.g. after an error). */
export function cpuSeconds(log: string): number | null {
  const m = /CPU: user ([\d.]+)s system ([\d.]+)s/.exec(log);
  return m ? Number(m[1]) + Number(m[2]) : null;
}

/** The verdict of a Yosys `sat` log. */
export function verdict(log: string): { status: ProofStatus; steps: number | null } {
  const lengths = [...log.matchAll(/Trying induction with length (\d+)/g)].map((m) => Number(m[1]));
  const steps = lengths.length ? lengths[lengths.length - 1]! : null;
  if (/Induction step proven: SUCCESS!|SAT proof finished - no model found: SUCCESS!/.test(log)) return { status: 'proved', steps };
  if (/model found for base case: FAIL!|SAT proof finished - model found: FAIL!/.test(log)) return { status: 'refuted', steps };
  if (/Reached maximum number of time steps -> proof failed/.test(log)) return { status: 'unknown', steps };
  throw new Error('no verdict in the Yosys log');
}

/** Runs one proof. Throws ToolFailedError when Yosys fails for another reason (syntax, elaboration). */
export async function prove(task: ProofTask, timeoutSeconds = 600): Promise<ProofResult> {
  return withRtlDir(task.files, async (dir, svFiles) => {
    writeFileSync(join(dir, 'proof.ys'), proofScript(task, svFiles));
    const r = await runTool('yosys', ['-q', '-l', 'proof.log', '-s', 'proof.ys'], `proving ${task.title}`, {
      cwd: dir,
      timeoutSeconds,
      okExitCodes: [1],
    });
    const log = readFileSync(join(dir, 'proof.log'), 'utf8');
    let v: { status: ProofStatus; steps: number | null };
    try {
      v = verdict(log);
    } catch {
      throw new ToolFailedError('yosys', `proving ${task.title}`, log.split('\n').slice(-30).join('\n'));
    }
    return {
      ...v,
      steps: task.mode === 'comb' ? null : v.steps,
      seconds: r.seconds,
      cpuSeconds: cpuSeconds(log),
      counterexample: v.status === 'refuted' ? parseCounterexample(log) : null,
      log: log.split('\n').filter((l) => l.trim()).slice(-40).join('\n'),
    };
  });
}
