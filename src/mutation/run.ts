/**
 * Mutation testing of the co-simulation: break a generated design in one place, re-run
 * the same verification a user runs (`verifyDesign`: corner + random + exhaustive cases,
 * full throughput and back-pressure, randomised initial state) and see whether it notices.
 *
 * Outcomes: killed (the verification failed: mismatch, protocol violation, time-out, X,
 * a crash), survived (it passed: a test gap, unless the mutant is equivalent), equivalent
 * (it survived and either Yosys gives the identical netlist — src/mutation/equivalence.ts —
 * or src/mutation/equivalents.ts explains why no test can see it), stillborn
 * (the simulator does not compile it; not counted, another site is drawn instead).
 *
 * Selection is deterministic: the sites of all subjects of a block are grouped by mutation
 * class, and a seeded generator draws round-robin over the classes, so every class is
 * represented and a rerun with the same seed draws the same mutants.
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
import { explainEquivalent, knownGap } from './equivalents.js';
import { NETLIST_REASON, sameNetlist } from './equivalence.js';
import { applySite, enumerateSites, MUTATION_CLASSES, type MutationClass, type MutationSite } from './operators.js';
import { subjectsFor, type Subject } from './subjects.js';

export type MutantOutcome = 'killed' | 'survived' | 'equivalent' | 'stillborn';

export interface MutantResult {
  block: BlockName;
  subject: string;
  /** The subject's config name (the module prefix in `site.file`). */
  prefix: string;
  site: MutationSite;
  outcome: MutantOutcome;
  /** How it was killed (first line of the failure), why it is equivalent, or the compile error. */
  detail: string;
  seconds: number;
}

export interface BlockMutationReport {
  block: BlockName;
  subjects: string[];
  /** Mutation sites found over all subjects, per class. */
  sites: Record<MutationClass, number>;
  mutants: MutantResult[];
  killed: number;
  survived: number;
  /** Survivors that are neither equivalent nor a known gap reported to the block owner. */
  unexplained: number;
  equivalent: number;
  stillborn: number;
  /** killed / (killed + survived): equivalent mutants are not counted. */
  killRate: number;
  /** killed / (killed + survived + equivalent). */
  rawKillRate: number;
  seconds: number;
}

export interface MutationOptions {
  /** Counted mutants per block (stillborn ones are replaced). */
  perBlock: number;
  seed: number;
  /** Random cases per verification, on top of the block's corner/exhaustive cases. */
  vectors: number;
  simulator: SimulatorName;
  /** Mutants verified at once. */
  jobs: number;
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
export async function verifyMutant(design: Design, opts: MutationOptions, traceRoot: string): Promise<{ outcome: 'killed' | 'survived' | 'stillborn'; detail: string }> {
  const traceDir = mkdtempSync(join(traceRoot, 'm-'));
  try {
    await verifyDesign(design, { vectors: opts.vectors, seed: opts.seed, trace: false, traceDir, simulator: opts.simulator });
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

export async function mutateBlock(block: BlockName, opts: MutationOptions): Promise<BlockMutationReport> {
  const log = opts.log ?? (() => {});
  const started = performance.now();
  const subjects = subjectsFor(block, log);
  if (!subjects.length) throw new Error(`no mutation subject for block ${block}`);
  const traceRoot = cacheDir('mutation-traces');

  // A subject must pass unmutated before its first mutant counts, or nothing can be
  // measured (every mutant of a failing design would look killed).
  const baselines = new Map<Subject, Promise<void>>();
  const baseline = (s: Subject) => {
    if (!baselines.has(s)) {
      baselines.set(
        s,
        verifyMutant(s.design, opts, traceRoot).then((base) => {
          if (base.outcome !== 'survived') throw new Error(`mutation subject ${s.label} fails before any mutation: ${base.detail}`);
        }),
      );
    }
    return baselines.get(s)!;
  };

  const sites = Object.fromEntries(MUTATION_CLASSES.map((c) => [c, 0])) as Record<MutationClass, number>;
  for (const s of subjects) for (const site of enumerateSites(s.design.files)) sites[site.cls]++;
  const order = drawOrder(subjects, opts.seed, block);
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
      await baseline(subject);
      const t0 = performance.now();
      const mutant: Design = { ...subject.design, files: applySite(subject.design.files, site) };
      const r = await verifyMutant(mutant, opts, traceRoot);
      inFlight--;
      if (r.outcome !== 'stillborn') counted++;
      const prefix = subject.design.config.name;
      const result: MutantResult = { block, subject: subject.label, prefix, site, outcome: r.outcome, detail: r.detail, seconds: (performance.now() - t0) / 1000 };
      if (r.outcome === 'survived') {
        const why = explainEquivalent(block, prefix, site);
        if (why) Object.assign(result, { outcome: 'equivalent', detail: why });
        else if (await sameNetlist(subject.design.files, mutant.files, subject.design.topModule)) {
          Object.assign(result, { outcome: 'equivalent', detail: `equivalent, ${NETLIST_REASON}` });
        } else {
          result.detail = knownGap(block, prefix, site) ?? '';
        }
      }
      byIndex.set(index, result);
      log(`${block} #${index}: ${result.outcome.padEnd(10)} ${site.file}:${site.line} ${site.op} | ${site.mutated.trim()}${result.detail ? ` | ${result.detail}` : ''}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, worker));
  const results: MutantResult[] = [];
  let kept = 0;
  for (const i of [...byIndex.keys()].sort((a, b) => a - b)) {
    const r = byIndex.get(i)!;
    if (kept >= opts.perBlock) break;
    if (r.outcome !== 'stillborn') kept++;
    results.push(r);
  }

  const count = (o: MutantOutcome) => results.filter((r) => r.outcome === o).length;
  const killed = count('killed');
  const survived = count('survived');
  const equivalent = count('equivalent');
  return {
    block,
    subjects: subjects.map((s) => s.label),
    sites,
    mutants: results,
    killed,
    survived,
    unexplained: results.filter((r) => r.outcome === 'survived' && !r.detail).length,
    equivalent,
    stillborn: count('stillborn'),
    killRate: killed + survived ? killed / (killed + survived) : 1,
    rawKillRate: killed + survived + equivalent ? killed / (killed + survived + equivalent) : 1,
    seconds: (performance.now() - started) / 1000,
  };
}
