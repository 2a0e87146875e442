/**
 * What a surviving mutant is, tried in this order (the first that applies wins):
 *
 *   not covered        the mutant elaborates to exactly the original design: the line sits in
 *                      a generate branch this subject's parameters switch off (or a module it
 *                      does not use), or a condition on parameters that evaluates alike. The
 *                      subject cannot exercise it; another configuration would. Not counted in
 *                      the kill rate, listed so a subject can be added that elaborates it.
 *   equivalent, proved
 *     - netlist        Yosys optimises original and mutant to the identical netlist;
 *     - neuron chain   (mutants of the LIF neuron) the two neurons agree over T steps from Vr
 *                      for every input current: SAT (src/formal/proofs.ts, neuronChainProof);
 *     - induction      the two designs agree on every output for every input sequence from
 *                      reset: SAT, temporal induction over register correspondence
 *                      (src/formal/versions.ts), under the block's input domain (indices < N);
 *   equivalent, argued a written reason in src/mutation/equivalents.ts (not a proof);
 *   survived           a test gap: a known one (reported to its owner, src/mutation/equivalents.ts
 *                      KNOWN_GAPS) or unexplained.
 */
import type { BlockName } from '../base/config.js';
import { ToolFailedError, ToolTimeoutError } from '../base/errors.js';
import type { Design } from '../design/design.js';
import type { GrayDerived } from '../blocks/gray_rom/derive.js';
import type { LogPeDerived } from '../blocks/logpe_bias/derive.js';
import type { GeneratedFile } from '../render/files.js';
import { prove } from '../formal/prove.js';
import { neuronChainProof } from '../formal/proofs.js';
import { proveVersionsEquivalent } from '../formal/versions.js';
import { explainEquivalent, knownGap } from './equivalents.js';
import { NETLIST_REASON, notElaborated, sameNetlist } from './equivalence.js';
import type { MutationSite } from './operators.js';

export type EquivalenceHow = 'netlist' | 'neuron-chain' | 'induction' | 'argued';

export type SurvivorClass =
  | { outcome: 'not-covered'; detail: string }
  | { outcome: 'equivalent'; how: EquivalenceHow; detail: string }
  | { outcome: 'survived'; detail: string };

/** The input values a block's harness presents (inputs not listed: every value of the port). */
export function inputDomains(block: BlockName, derived: unknown): Record<string, number> {
  if (block === 'gray_rom') return { pos_i: (derived as GrayDerived).positions };
  if (block === 'logpe_bias') {
    const n = (derived as LogPeDerived).geometry.seqLen;
    return { qi_i: n, kj_i: n };
  }
  return {};
}

export interface ClassifyOptions {
  /** Time limit of one formal proof (a proof that runs out is "not proved"). */
  proofSeconds: number;
  log?: (line: string) => void;
}

/** The `localparam logic signed [W-1:0] VReset = …;` literal of the LIF array file. */
function arrayVReset(files: GeneratedFile[]): string | null {
  for (const f of files) {
    if (!f.path.endsWith('_lif_array.sv')) continue;
    const m = /localparam logic signed \[W-1:0\] VReset = ([^;]+);/.exec(f.content);
    if (m) return m[1]!.trim();
  }
  return null;
}

export async function neuronChain(design: Design, mutant: GeneratedFile[], site: MutationSite, seconds: number): Promise<string | null> {
  // The stand-alone array shows its membranes (mem_o); the head shows only spikes.
  const membranes = design.block.name === 'lif_array';
  if (!site.file.endsWith('_lif_neuron.sv')) return null;
  const original = design.files.find((f) => f.path === site.file)!;
  const changed = mutant.find((f) => f.path === site.file)!;
  const vReset = arrayVReset(design.files);
  const steps = (design.config as { timesteps?: number }).timesteps;
  if (!vReset || !steps) return null;
  const module = site.file.replace(/\.sv$/, '');
  const r = await prove(neuronChainProof({ original, changed, module, steps, vReset, membranes }), seconds);
  return r.status === 'proved'
    ? `equivalent, proved (SAT): the original and the mutated neuron, each chained over T = ${steps} steps from Vr = ${vReset}, give the same ${membranes ? 'spike and membrane' : 'spike (the only neuron output the head shows)'} at every step for every input current (${r.seconds.toFixed(1)} s); the array restarts every neuron from Vr each sequence`
    : null;
}

/** The first line of a tool's message that matches `re`, trimmed (else the message's first line). */
export function firstLineMatching(message: string, re: RegExp): string {
  return message.split('\n').find((l) => re.test(l))?.trim() ?? message.split('\n')[0]!;
}

/** Classifies a mutant that passed the co-simulation. */
export async function classifySurvivor(block: BlockName, design: Design, mutant: GeneratedFile[], site: MutationSite, opts: ClassifyOptions): Promise<SurvivorClass> {
  const prefix = design.config.name;
  if (await notElaborated(design.files, mutant, design.topModule)) {
    return {
      outcome: 'not-covered',
      detail: 'not covered: the mutant elaborates to exactly the original (a generate branch or module this subject does not use, or a parameter condition that evaluates alike)',
    };
  }
  if (await sameNetlist(design.files, mutant, design.topModule)) return { outcome: 'equivalent', how: 'netlist', detail: `equivalent, ${NETLIST_REASON}` };
  try {
    const chain = await neuronChain(design, mutant, site, opts.proofSeconds);
    if (chain) return { outcome: 'equivalent', how: 'neuron-chain', detail: chain };
  } catch (e) {
    if (!(e instanceof ToolTimeoutError)) throw e;
    opts.log?.(`neuron-chain proof of ${site.file}:${site.line} ran out of time`);
  }
  try {
    const r = await proveVersionsEquivalent({
      original: design.files,
      changed: mutant,
      prefix,
      top: design.topModule,
      ports: design.block.ports(design.derived),
      domains: inputDomains(block, design.derived),
      timeoutSeconds: opts.proofSeconds,
    });
    if (r.status === 'proved') {
      return {
        outcome: 'equivalent',
        how: 'induction',
        detail: `equivalent, proved (SAT, temporal induction of length ${r.steps} over ${r.registers} corresponding registers, ${r.registerBits} bits): from reset, original and mutant agree on every output for every input sequence${Object.keys(inputDomains(block, design.derived)).length ? ' within the block\'s input domain' : ''} (${r.seconds.toFixed(1)} s)`,
      };
    }
  } catch (e) {
    // A proof that cannot run proves nothing: out of time, or a mutant Yosys refuses to
    // elaborate into the miter (a constant pushed a part-select out of range, leaving an
    // output port tied to constants). The survivor stays a survivor, with the reason logged.
    if (e instanceof ToolTimeoutError) opts.log?.(`induction proof of ${site.file}:${site.line} ran out of time`);
    else if (e instanceof ToolFailedError) opts.log?.(`induction proof of ${site.file}:${site.line} not run: ${firstLineMatching(e.message, /ERROR/)}`);
    else throw e;
  }
  const why = explainEquivalent(block, prefix, site);
  if (why) return { outcome: 'equivalent', how: 'argued', detail: `${why} (argued, not proved)` };
  return { outcome: 'survived', detail: knownGap(block, prefix, site) ?? '' };
}
