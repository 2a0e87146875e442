/**
 * Two simulators, one verdict: the same cases through Verilator and Icarus with the same
 * seeded schedule, compared with each other on every output bit and on the cycle of
 * every beat, and each compared with the expected values (the golden model's, or a
 * vector file's).
 *
 * Both harnesses draw the same random numbers in the same order, so a correct,
 * deterministic design delivers identical beat files under both. A difference means one
 * simulator sees a different design (a construct one of them reads differently, a race,
 * X-dependent behaviour), which is a failure even when both happen to match the model.
 */
import type { StimulusCase } from '../../testbenches/types.js';
import type { Design } from '../design/design.js';
import { cosimCompare, type CosimCheck } from './cosim.js';
import { SIMULATORS } from './simulators.js';
import type { RunOutcome, RunSettings } from './verilator.js';

export interface CrossCheck {
  verilator: CosimCheck;
  icarus: CosimCheck;
  /** First difference between the two simulators' runs, or null when they agree on everything. */
  disagreement: string | null;
  /** Output beats compared between the simulators (all streams). */
  beats: number;
}

function hex(beat: bigint[] | undefined): string {
  return beat ? beat.map((v) => v.toString(16)).join(' ') : '(none)';
}

/** The first difference between two runs of the same stimulus, or null. */
export function compareRuns(a: RunOutcome, b: RunOutcome, names: [string, string] = ['verilator', 'icarus']): string | null {
  const [na, nb] = names;
  if (a.status !== b.status) {
    return `run status differs: ${na} ${a.status}${a.message ? ` (${a.message})` : ''}, ${nb} ${b.status}${b.message ? ` (${b.message})` : ''}`;
  }
  // Output streams, then observation streams (SPIKEFORGE_OBSERVE): the internals must come
  // out with the same values on the same cycles too.
  const keys = (x: Record<string, unknown> | undefined, y: Record<string, unknown> | undefined) => [...new Set([...Object.keys(x ?? {}), ...Object.keys(y ?? {})])].sort();
  const streams = [
    ...keys(a.out, b.out).map((s) => ({ s, ba: a.out[s], bb: b.out[s], ca: a.outCycles[s], cb: b.outCycles[s], what: 'stream' })),
    ...keys(a.obs, b.obs).map((s) => ({ s, ba: a.obs?.[s], bb: b.obs?.[s], ca: a.obsCycles?.[s], cb: b.obsCycles?.[s], what: 'observation stream' })),
  ];
  for (const st of streams) {
    const s = st.s;
    const ba = st.ba ?? [];
    const bb = st.bb ?? [];
    const ca = st.ca ?? [];
    const cb = st.cb ?? [];
    for (let i = 0; i < Math.max(ba.length, bb.length); i++) {
      const va = ba[i];
      const vb = bb[i];
      const same = va !== undefined && vb !== undefined && va.length === vb.length && va.every((v, f) => v === vb[f]);
      if (!same) return `${st.what} ${s} beat ${i}: ${na} ${hex(va)}${va ? ` (cycle ${ca[i]})` : ''}, ${nb} ${hex(vb)}${vb ? ` (cycle ${cb[i]})` : ''}`;
      if (ca[i] !== cb[i]) return `${st.what} ${s} beat ${i} (${hex(va)}) delivered on different cycles: ${na} ${ca[i]}, ${nb} ${cb[i]}`;
    }
  }
  return null;
}

/**
 * Runs the cases under both simulators with identical settings (in parallel: two cores)
 * and compares everything. Never throws for a mismatch: the caller decides.
 */
export async function crossCheck(
  design: Design,
  cases: StimulusCase<unknown>[],
  expected: Record<string, unknown>[],
  settings: Omit<RunSettings, 'maxCycles' | 'timeoutSeconds'>,
): Promise<CrossCheck> {
  const [verilator, icarus] = await Promise.all([
    cosimCompare(design, cases, expected, settings, undefined, SIMULATORS.verilator),
    cosimCompare(design, cases, expected, settings, undefined, SIMULATORS.icarus),
  ]);
  const beats = Object.values(verilator.run.out).reduce((n, b) => n + b.length, 0);
  return { verilator, icarus, disagreement: compareRuns(verilator.run, icarus.run), beats };
}

/** One line on what went wrong in a cross check, or null when both simulators agree and match. */
export function crossCheckProblem(c: CrossCheck): string | null {
  if (c.disagreement) return `Verilator and Icarus disagree: ${c.disagreement}`;
  for (const check of [c.verilator, c.icarus]) {
    if (check.fault) return `${check.simulator}: ${check.fault}`;
    if (check.mismatch) {
      const m = check.mismatch;
      return `${check.simulator}: RTL differs from the expected values: case "${m.caseName}": ${m.mismatch.key}${m.mismatch.index.map((i) => `[${i}]`).join('')}`;
    }
  }
  return null;
}
