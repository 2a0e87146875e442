/**
 * Running a formal proof with Yosys's SAT solver (`sat`, MiniSat inside Yosys) or with BDDs
 * in ABC (yosys-abc, part of Debian's yosys package: no other solver needed), and reading its
 * verdict.
 *
 * A proof is a set of RTL files plus a miter module (src/formal/miter.ts) whose 1-bit
 * output `ok_o` must be 1 in every cycle. Combinational miters are proved with
 * `sat -prove ok_o 1` over every input value; sequential ones with temporal induction
 * (`sat -tempinduct`): the base case from the miter's initial state, then induction of
 * growing length until it closes or `maxSteps` is reached.
 *
 * Combinational miters can instead be proved with BDDs (`engine: 'bdd'`; SAT is still tried
 * first for a few seconds, which settles small miters and finds bugs): Yosys writes the
 * miter as an AIGER graph whose one output is !ok_o, and ABC (yosys-abc, shipped with Yosys)
 * builds its global BDD in the miter's input order (`collapse`, no reordering) and checks it
 * is the constant 0 (`&cec -m`). SAT is the hard engine for two different adder trees over
 * the same bits (a 6:3-counter popcount against an adder chain: Yosys's SAT and ABC's SAT
 * sweeping both run for more than 5 minutes at 68 bits and do not close); the BDD of a
 * popcount is small when each XNOR/AND pair's two bits are neighbours in the order
 * (MiterSpec.interleave), and is built in under a minute at that size.
 *
 * Verdicts: `proved`; `refuted` with the counterexample Yosys found (the values of the shown
 * signals per time step; after a BDD refutation, Yosys's SAT is run again, with the rest of
 * the time, to find one); `unknown` when induction did not close within `maxSteps`, or the
 * BDD grew past its node limit (no counterexample either: the property may hold).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolFailedError, ToolTimeoutError } from '../base/errors.js';
import { vendorLibraries, type GeneratedFile } from '../render/files.js';
import { runTool } from '../tools/run.js';
import { vendorModels } from '../tools/vendor.js';
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
  /** `sat` (default): Yosys's SAT solver. `bdd`: ABC's global BDDs, combinational miters only (see above). */
  engine?: 'sat' | 'bdd';
  /** BDD engine: live BDD nodes ABC may hold while collapsing before the verdict is unknown (default BDD_NODE_LIMIT). */
  bddNodeLimit?: number;
  /** BDD engine: seconds SAT is tried first (default SAT_FIRST_SECONDS; 0: BDDs only). */
  satFirstSeconds?: number;
}

/** The BDD engine's first SAT attempt: small miters are proved in under a second, bugs found in under one. */
export const SAT_FIRST_SECONDS = 10;

/**
 * Live BDD nodes ABC may hold while collapsing (~40 bytes each: about 1.6 GB). The fused Gray
 * popcount at D = 64 with 6:3 counters needs between 5 and 10 million (385 MB).
 */
export const BDD_NODE_LIMIT = 40_000_000;

/** Yosys script of a proof: elaborate, flatten (through keep_hierarchy), map memories, prove. */
export function proofScript(task: ProofTask, svFiles: string[], models: string[] = []): string {
  const show = task.show?.length ? task.show.map((s) => `-show ${s}`).join(' ') : '-show-inputs';
  const sat =
    task.mode === 'comb'
      ? `sat -prove ok_o 1 -verify ${show} ${task.top}`
      : `sat -tempinduct -prove ok_o 1 -maxsteps ${task.maxSteps ?? 8} -verify ${show} ${task.top}`;
  return [...flattened(task, svFiles, models, ''), sat].join('\n');
}

/**
 * Yosys script of a BDD proof: the flattened miter read with `FORMAL` defined (its assertion
 * becomes the AIGER bad-state output !ok_o), mapped to an and-inverter graph, ok_o dropped as
 * an output so the graph's only output is the bad state.
 */
export function aigerScript(task: ProofTask, svFiles: string[], models: string[] = []): string {
  return [...flattened(task, svFiles, models, '-formal '), 'techmap', 'opt -fast', 'aigmap', `delete -port ${task.top}/ok_o`, 'write_aiger miter.aig'].join('\n');
}

/** ABC script of a BDD proof: global BDDs in the input order (`-r`: no reordering), then the miter's output checked constant 0. */
export function abcBddScript(nodeLimit = BDD_NODE_LIMIT): string {
  return `read_aiger miter.aig; collapse -r -B ${nodeLimit}; strash; &get; &cec -m`;
}

/**
 * The miter elaborated and flattened. `models`: vendor primitive models (src/tools/vendor.ts)
 * the RTL instantiates, read with their behaviour (not as black boxes): the proof covers the
 * primitives as Yosys models them.
 */
function flattened(task: ProofTask, svFiles: string[], models: string[], readFlags: string): string[] {
  return [
    `read_verilog ${readFlags}-sv ${svFiles.join(' ')}`,
    ...models.map((m) => `read_verilog ${m}`),
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
  ];
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

/** The verdict of ABC's BDD check (abcBddScript's output). */
export function bddVerdict(out: string): ProofStatus {
  if (/Networks are equivalent/.test(out)) return 'proved';
  if (/Networks are NOT EQUIVALENT/.test(out)) return 'refuted';
  if (/Collapsing has failed/.test(out)) return 'unknown';
  throw new Error('no verdict in the ABC output');
}

/** Runs one proof. Throws ToolFailedError when Yosys fails for another reason (syntax, elaboration). */
export async function prove(task: ProofTask, timeoutSeconds = 600): Promise<ProofResult> {
  if (task.engine === 'bdd' && task.mode !== 'comb') throw new Error(`prove: the BDD engine takes combinational miters only (${task.title})`);
  // One folder per proof, whatever the engines run in it: the RTL is written once.
  return withRtlDir(task.files, async (dir, svFiles) => {
    const models = (await vendorModels(vendorLibraries(task.files))).map((m) => m.path);
    const inDir: ProofDir = { task, dir, svFiles, models };
    return task.engine === 'bdd' ? proveWithBdd(inDir, timeoutSeconds) : proveWithSat(inDir, timeoutSeconds);
  });
}

/** A proof's working folder: the task, its RTL written there, and the vendor models it reads (xc7 primitives: Yosys's own). */
interface ProofDir {
  task: ProofTask;
  dir: string;
  svFiles: string[];
  models: string[];
}

/** The last 40 non-empty lines of a tool's output (for ProofResult.log). */
const logTail = (text: string) => text.split('\n').filter((l) => l.trim()).slice(-40).join('\n');

async function proveWithBdd(p: ProofDir, timeoutSeconds: number): Promise<ProofResult> {
  const { task, dir } = p;
  const started = Date.now();
  const left = () => Math.max(1, timeoutSeconds - (Date.now() - started) / 1000);
  // SAT first, briefly: it settles small miters at once and finds a counterexample in well
  // under a second where one exists, while a wrong design's BDD can grow without bound.
  const satBudget = Math.min(task.satFirstSeconds ?? SAT_FIRST_SECONDS, timeoutSeconds / 4);
  if (satBudget > 0) {
    try {
      return await proveWithSat(p, satBudget);
    } catch (e) {
      if (!(e instanceof ToolTimeoutError)) throw e;
    }
  }
  writeFileSync(join(dir, 'aiger.ys'), aigerScript(task, p.svFiles, p.models));
  await runTool('yosys', ['-q', '-s', 'aiger.ys'], `writing the miter of ${task.title}`, { cwd: dir, timeoutSeconds: left() });
  const r = await runTool('yosys-abc', ['-c', abcBddScript(task.bddNodeLimit)], `proving ${task.title} with BDDs`, { cwd: dir, timeoutSeconds: left() });
  const out = r.stdout + r.stderr;
  let status: ProofStatus;
  try {
    status = bddVerdict(out);
  } catch {
    throw new ToolFailedError('yosys-abc', `proving ${task.title} with BDDs`, out);
  }
  const log = logTail(out);
  if (status !== 'refuted') return { status, steps: null, seconds: (Date.now() - started) / 1000, cpuSeconds: null, counterexample: null, log };
  // A difference exists: SAT, given the rest of the time, finds an input that shows it.
  const sat = await proveWithSat(p, left());
  if (sat.status !== 'refuted') throw new ToolFailedError('yosys', `finding the counterexample ABC's BDDs imply for ${task.title} (SAT says ${sat.status})`, sat.log);
  return { ...sat, seconds: (Date.now() - started) / 1000, log: `${log}\n${sat.log}` };
}

async function proveWithSat(p: ProofDir, timeoutSeconds: number): Promise<ProofResult> {
  const { task, dir } = p;
  writeFileSync(join(dir, 'proof.ys'), proofScript(task, p.svFiles, p.models));
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
    log: logTail(log),
  };
}
