/**
 * Mutation testing of the co-simulation: break a generated design in one place, re-run
 * the same verification a user runs (`verifyDesign`: corner + random + exhaustive cases,
 * full throughput and back-pressure, randomised initial state) and see whether it notices.
 *
 * Outcomes: killed (the verification failed: mismatch, protocol violation, time-out, X,
 * a crash), survived (it passed: a test gap), equivalent (it survived and is proved or
 * argued equivalent), not covered (it survived and elaborates to exactly the original: the
 * subject does not use the mutated line), stillborn (the simulator does not compile it;
 * not counted, another site is drawn instead). src/mutation/classify.ts sorts survivors.
 *
 * Selection is deterministic: the sites of all subjects of a block are grouped by mutation
 * class, and a seeded generator draws round-robin over the classes, so every class is
 * represented and a rerun with the same seed draws the same mutants. Several seeds draw in
 * turn, each skipping the sites earlier seeds drew: `perBlock` new mutants per seed, all
 * distinct (a sample without replacement). A mutant is verified with its draw's seed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BlockName } from '../base/config.js';
import { MismatchError, ToolFailedError, ToolTimeoutError } from '../base/errors.js';
import type { Design } from '../design/design.js';
import { cacheDir } from '../base/cache-dir.js';
import { Rng } from '../base/rng.js';
import { verifyDesign } from '../app/verify.js';
import type { SimulatorName } from '../cosim/simulators.js';
import { lintVerilator } from '../tools/portability.js';
import { classifySurvivor, firstLineMatching, type EquivalenceHow } from './classify.js';
import { clopperPearson } from './stats.js';
import { applySite, enumerateSites, MUTATION_CLASSES, type MutationClass, type MutationSite } from './operators.js';
import { subjectsFor, type Subject } from './subjects.js';

export type MutantOutcome = 'killed' | 'survived' | 'equivalent' | 'not-covered' | 'stillborn';

export interface MutantResult {
  block: BlockName;
  subject: string;
  /** The subject's config name (the module prefix in `site.file`). */
  prefix: string;
  site: MutationSite;
  /** The seed that drew it (and that its verification ran with). */
  seed: number;
  outcome: MutantOutcome;
  /** Equivalent mutants: proved (netlist, neuron chain, induction) or argued. */
  how?: EquivalenceHow;
  /** How it was killed (first line of the failure), why it is equivalent, or the compile error. */
  detail: string;
  seconds: number;
}

/** Killed and survived mutants of one seed's draw. */
export interface SeedCount {
  seed: number;
  killed: number;
  survived: number;
  equivalent: number;
  notCovered: number;
}

export interface BlockMutationReport {
  block: BlockName;
  subjects: string[];
  /** Mutation sites found over all subjects, per class. */
  sites: Record<MutationClass, number>;
  mutants: MutantResult[];
  killed: number;
  /** Of the killed: passed the co-simulation, rejected by the lint gate (lintGate). */
  killedByLint: number;
  survived: number;
  /** Survivors that are neither equivalent nor a known gap reported to the block owner. */
  unexplained: number;
  equivalent: number;
  /** Equivalent mutants by how: proved (netlist, neuron-chain, induction) or argued. */
  equivalentBy: Record<EquivalenceHow, number>;
  notCovered: number;
  stillborn: number;
  /** killed / (killed + survived): equivalent and not-covered mutants are not counted. */
  killRate: number;
  /** Two-sided 95% Clopper–Pearson interval of the kill rate (src/mutation/stats.ts). */
  killRateLower: number;
  killRateUpper: number;
  /** killed / (killed + survived + equivalent + not covered). */
  rawKillRate: number;
  perSeed: SeedCount[];
  seconds: number;
}

export interface MutationOptions {
  /** Counted mutants per block and seed (stillborn ones are replaced). */
  perBlock: number;
  /** Draw seeds, in order; each draws perBlock new mutants. */
  seeds: number[];
  /** Random cases per verification, on top of the block's corner/exhaustive cases. */
  vectors: number;
  simulator: SimulatorName;
  /** Mutants verified at once. */
  jobs: number;
  /** Time limit of one formal proof about a survivor (default 120 s). */
  proofSeconds?: number;
  log?: (line: string) => void;
}

function blockSeed(seed: number, block: string): number {
  let h = seed >>> 0;
  for (const c of block) h = (Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0) ^ (h >>> 15);
  return h >>> 0;
}

interface Candidate {
  subject: Subject;
  site: MutationSite;
}

/** The seeded draw order of a block's sites: round-robin over classes, random within each. */
export function drawOrder(subjects: Subject[], seed: number, block: string): Candidate[] {
  const pools = new Map<MutationClass, Candidate[]>(MUTATION_CLASSES.map((c) => [c, []]));
  for (const subject of subjects) {
    for (const site of enumerateSites(subject.design.files)) pools.get(site.cls)!.push({ subject, site });
  }
  const rng = new Rng(blockSeed(seed, block));
  const order: Candidate[] = [];
  for (;;) {
    let drew = false;
    for (const cls of MUTATION_CLASSES) {
      const pool = pools.get(cls)!;
      if (!pool.length) continue;
      order.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]!);
      drew = true;
    }
    if (!drew) return order;
  }
}

function firstLine(e: unknown): string {
  return String((e as Error).message ?? e).split('\n')[0]!.slice(0, 200);
}

/** Verifies one design (a mutant, or a subject unmutated); never throws for a verification failure. */
export async function verifyMutant(
  design: Design,
  opts: { vectors: number; simulator: SimulatorName },
  traceRoot: string,
  seed: number,
): Promise<{ outcome: 'killed' | 'survived' | 'stillborn'; detail: string }> {
  const traceDir = mkdtempSync(join(traceRoot, 'm-'));
  try {
    await verifyDesign(design, { vectors: opts.vectors, seed, trace: false, traceDir, failureWaveform: false, simulator: opts.simulator });
    return { outcome: 'survived', detail: '' };
  } catch (e) {
    if (e instanceof ToolFailedError && /failed while (building|compiling)/.test(e.message)) {
      return { outcome: 'stillborn', detail: firstLine(e.message.split('\n').slice(1).join(' ') || e.message) };
    }
    if (e instanceof MismatchError) return { outcome: 'killed', detail: firstLine(e) };
    if (e instanceof ToolTimeoutError) return { outcome: 'killed', detail: `hang: ${firstLine(e)}` };
    if (e instanceof ToolFailedError) return { outcome: 'killed', detail: `simulator crashed: ${firstLine(e)}` };
    return { outcome: 'killed', detail: `harness error: ${firstLine(e)}` };
  } finally {
    rmSync(traceDir, { recursive: true, force: true });
  }
}

/** How a lint-gate kill's detail starts (the report counts and lists them apart). */
export const LINT_GATE = 'lint gate (verilator --lint-only -Wall): ';

/**
 * A mutant the co-simulation passes but `verilator --lint-only -Wall` rejects is killed by
 * the lint gate: every design the tests generate must lint clean with no waivers
 * (src/tools/portability.ts), so a generator that emitted it would fail them. These are
 * width mutants (a localparam one bit off: a port narrower than its connection, a
 * part-select past the top bit) whose values happen to survive the simulation.
 */
export async function lintGate(mutant: Design, r: { outcome: 'killed' | 'survived' | 'stillborn'; detail: string }): Promise<{ outcome: 'killed' | 'survived' | 'stillborn'; detail: string }> {
  if (r.outcome !== 'survived') return r;
  try {
    await lintVerilator(mutant.files, mutant.topModule);
    return r;
  } catch (e) {
    if (!(e instanceof ToolFailedError)) throw e;
    return { outcome: 'killed', detail: `${LINT_GATE}${firstLineMatching(e.message, /%Warning/).slice(0, 200)}` };
  }
}

const siteKey = (c: Candidate) => `${c.subject.label}|${c.site.file}|${c.site.line}|${c.site.op}|${c.site.mutated}`;

export async function mutateBlock(block: BlockName, opts: MutationOptions): Promise<BlockMutationReport> {
  const log = opts.log ?? (() => {});
  const started = performance.now();
  const subjects = subjectsFor(block, log);
  if (!subjects.length) throw new Error(`no mutation subject for block ${block}`);
  if (!opts.seeds.length) throw new Error('mutation testing needs at least one seed');
  const traceRoot = cacheDir('mutation-traces');

  // A subject must pass unmutated before its first mutant counts, or nothing can be
  // measured (every mutant of a failing design would look killed).
  const baselines = new Map<string, Promise<void>>();
  const baseline = (s: Subject, seed: number) => {
    const key = `${s.label}|${seed}`;
    if (!baselines.has(key)) {
      baselines.set(
        key,
        verifyMutant(s.design, opts, traceRoot, seed).then((base) => {
          if (base.outcome !== 'survived') throw new Error(`mutation subject ${s.label} fails before any mutation (seed ${seed}): ${base.detail}`);
        }),
      );
    }
    return baselines.get(key)!;
  };

  const sites = Object.fromEntries(MUTATION_CLASSES.map((c) => [c, 0])) as Record<MutationClass, number>;
  for (const s of subjects) for (const site of enumerateSites(s.design.files)) sites[site.cls]++;
  const drawn = new Set<string>();
  const results: MutantResult[] = [];
  for (const seed of opts.seeds) {
    // This seed's order, without the mutants earlier seeds drew.
    const order = drawOrder(subjects, seed, block).filter((c) => !drawn.has(siteKey(c)));
    // Mutants are verified in draw order (`jobs` at a time) until perBlock of them compiled;
    // the result is the first perBlock compiling mutants of the draw order, whatever the timing.
    const byIndex = new Map<number, MutantResult>();
    let next = 0;
    let counted = 0;
    let inFlight = 0;
    const worker = async () => {
      while (counted + inFlight < opts.perBlock && next < order.length) {
        const index = next++;
        const { subject, site } = order[index]!;
        inFlight++;
        await baseline(subject, seed);
        const t0 = performance.now();
        const mutant: Design = { ...subject.design, files: applySite(subject.design.files, site) };
        const r = await lintGate(mutant, await verifyMutant(mutant, opts, traceRoot, seed));
        const prefix = subject.design.config.name;
        const result: MutantResult = { block, subject: subject.label, prefix, site, seed, outcome: r.outcome, detail: r.detail, seconds: 0 };
        if (r.outcome === 'survived') {
          const c = await classifySurvivor(block, subject.design, mutant.files, site, { proofSeconds: opts.proofSeconds ?? 120, log });
          Object.assign(result, c);
        }
        result.seconds = (performance.now() - t0) / 1000;
        inFlight--;
        if (r.outcome !== 'stillborn') counted++;
        byIndex.set(index, result);
        log(`${block} seed ${seed} #${index}: ${result.outcome.padEnd(11)} ${site.file}:${site.line} ${site.op} | ${site.mutated.trim()}${result.detail ? ` | ${result.detail}` : ''}`);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, worker));
    let kept = 0;
    for (const i of [...byIndex.keys()].sort((a, b) => a - b)) {
      const r = byIndex.get(i)!;
      if (kept >= opts.perBlock) break;
      if (r.outcome !== 'stillborn') kept++;
      results.push(r);
      drawn.add(siteKey(order[i]!));
    }
  }
  return summarize(block, subjects.map((s) => s.label), sites, results, opts.seeds, (performance.now() - started) / 1000);
}

/** Counts, rates and the confidence interval of a block's mutants. */
export function summarize(block: BlockName, subjects: string[], sites: Record<MutationClass, number>, results: MutantResult[], seeds: number[], seconds: number): BlockMutationReport {
  const count = (o: MutantOutcome, rs = results) => rs.filter((r) => r.outcome === o).length;
  const killed = count('killed');
  const survived = count('survived');
  const equivalent = count('equivalent');
  const notCovered = count('not-covered');
  const equivalentBy: Record<EquivalenceHow, number> = { netlist: 0, 'neuron-chain': 0, induction: 0, argued: 0 };
  for (const r of results) if (r.outcome === 'equivalent' && r.how) equivalentBy[r.how]++;
  const ci = clopperPearson(killed, killed + survived);
  return {
    block,
    subjects,
    sites,
    mutants: results,
    killed,
    killedByLint: results.filter((r) => r.outcome === 'killed' && r.detail.startsWith(LINT_GATE)).length,
    survived,
    unexplained: results.filter((r) => r.outcome === 'survived' && !r.detail).length,
    equivalent,
    equivalentBy,
    notCovered,
    stillborn: count('stillborn'),
    killRate: killed + survived ? killed / (killed + survived) : 1,
    killRateLower: ci.lower,
    killRateUpper: ci.upper,
    rawKillRate: killed + survived + equivalent + notCovered ? killed / (killed + survived + equivalent + notCovered) : 1,
    perSeed: seeds.map((seed) => {
      const rs = results.filter((r) => r.seed === seed);
      return { seed, killed: count('killed', rs), survived: count('survived', rs), equivalent: count('equivalent', rs), notCovered: count('not-covered', rs) };
    }),
    seconds,
  };
}
