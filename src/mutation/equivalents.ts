/**
 * Surviving mutants that no test can kill, each with the reason. A survivor is matched by
 * block, file (the config's name prefix written as `<name>`), operator and mutated line
 * (and, where the reason depends on a subject's parameters, the subject); anything not
 * listed here is reported as a test gap.
 *
 * Keep every entry narrow and its reason checkable: "the mutated value is never observed
 * because …" or "both expressions are equal for every input because …".
 */
import type { BlockName } from '../core/config.js';
import type { MutationSite } from './operators.js';

export interface Equivalent {
  /** Blocks the entry applies to (every block when absent). */
  blocks?: BlockName[];
  /** File name with the config's name prefix written as `<name>`. */
  file: string | RegExp;
  op: string | RegExp;
  /** The mutated line, trimmed, prefix written as `<name>`. */
  mutated: string | RegExp;
  /** Only for this subject (config name), when the reason depends on its parameters. */
  subject?: string;
  reason: string;
}

export const EQUIVALENTS: Equivalent[] = [
  {
    blocks: ['gray_rom'],
    file: '<name>_gray_code.sv',
    op: 'const-1',
    mutated: 'localparam int Depth = 31;',
    subject: 'mut_gray_rom_2',
    reason:
      'this subject has P = 20 positions in a 2^5 = 32 word ROM; addresses above 19 are never presented, so a memory ' +
      'one word shorter (dropping never-read padding word 31) reads the same words',
  },
  {
    file: /_(logpe_lanes|logpe_bias|xnor_attention)\.sv$/,
    op: '>=->>',
    mutated: /^assign (\w+) = \((\w+) > (\w+)\) \? \2 - \3 : \3 - \2;$/,
    reason:
      'absolute difference |a − b| written as (a >= b) ? a − b : b − a: with `>` the only changed case is a = b, ' +
      'where both branches give 0',
  },
  {
    blocks: ['xnor_attention', 'ssa_head'],
    file: '<name>_pc_add.sv',
    op: /^(\+->-|const[+-]1|tie[01])$/,
    mutated: /^assign s_o = a_i [+-] b_i [+-] W'\(c_i\);$|^assign s_o = '[01];$/,
    subject: 'mut_xnor_attention_0',
    reason:
      'the `g_fits` branch of the adder cell (sum kept in W bits) is only elaborated by the gpc63 final adder; this ' +
      'subject uses the carry tree, where every node has O = W + 1, so the mutated line is not part of the design',
  },
  {
    blocks: ['lif_array'],
    file: '<name>_lif_array.sv',
    op: '+->-',
    mutated: "group_q <= last_group ? '0 : group_q - 1'b1;",
    subject: 'mut_lif_array_0',
    reason: 'this subject has 2 neuron groups, so group_q is 1 bit wide and group_q − 1 = group_q + 1 (mod 2)',
  },
  {
    blocks: ['lif_array'],
    file: '<name>_lif_array.sv',
    op: '+->-',
    mutated: "step_q <= last_step ? '0 : step_q - 1'b1;",
    subject: 'mut_lif_array_1',
    reason:
      'this subject has T = 3 and a 2-bit step counter: counting down visits 0, 3, 2 instead of 0, 1, 2, and the ' +
      'counter is only decoded as "first step" (0) and "last step" (2), which both orders reach at the same beats',
  },
  {
    blocks: ['lif_array'],
    file: '<name>_lif_array.sv',
    op: 'const+1',
    mutated: 'localparam int W = 15;',
    subject: 'mut_lif_array_1',
    reason:
      'this subject has one lane, so W only sizes the array-level buses (v_prev, v_next, state, mem_q) that carry one ' +
      '14-bit membrane: the extra top bit is filled from the neuron output (zero) or by sign extension of VReset and is ' +
      'cut off again at the 14-bit neuron ports and the mem_o port',
  },
];

function matches(pattern: string | RegExp, text: string): boolean {
  return typeof pattern === 'string' ? pattern === text : pattern.test(text);
}

/** The reason a surviving mutant is equivalent, or null when it is a test gap. */
export function explainEquivalent(block: BlockName, prefix: string, site: MutationSite): string | null {
  const norm = (s: string) => s.split(prefix).join('<name>').trim();
  const file = norm(site.file);
  const mutated = norm(site.mutated);
  const e = EQUIVALENTS.find(
    (q) =>
      (!q.blocks || q.blocks.includes(block)) &&
      matches(q.file, file) &&
      matches(q.op, site.op) &&
      matches(q.mutated, mutated) &&
      (!q.subject || q.subject === prefix),
  );
  return e ? `equivalent: ${e.reason}` : null;
}
