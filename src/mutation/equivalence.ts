/**
 * A mechanical equivalence proof for surviving mutants: Yosys elaborates the original and
 * the mutant (proc, flatten, opt, clean) and writes both netlists without attributes. If
 * the two texts are identical, no input sequence can tell them apart — typically the
 * mutated line sits in a generate branch this configuration does not elaborate, or the
 * change optimises away. Anything else still needs a human reason (equivalents.ts) or a
 * better test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile } from '../render/files.js';
import { runTool } from '../tools/run.js';
import { withRtlDir } from '../tools/workdir.js';

async function netlist(files: GeneratedFile[], top: string): Promise<string> {
  return withRtlDir(files, async (dir, sv) => {
    const script = `read_verilog -sv ${sv.join(' ')}; hierarchy -top ${top}; proc; flatten; opt -full; clean -purge; write_verilog -noattr netlist.v`;
    await runTool('yosys', ['-q', '-p', script], `elaborating ${top} for an equivalence check`, { cwd: dir, timeoutSeconds: 300 });
    return readFileSync(join(dir, 'netlist.v'), 'utf8');
  });
}

/**
 * The netlist with the order of module items normalised: Yosys writes some items (e.g.
 * `assign`s) in an order that can change between otherwise identical designs. An item
 * starts at two spaces of indentation and runs over its deeper-indented lines (and the
 * `end` that closes it); items are sorted within their module, modules by their text.
 */
export function canonicalNetlist(text: string): string {
  const modules: string[] = [];
  let items: string[] = [];
  let header = '';
  const flush = () => {
    if (header) modules.push([header, ...items.sort()].join('\n'));
    items = [];
    header = '';
  };
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) {
      if (line.startsWith('module ')) {
        flush();
        header = line;
      } else if (line.startsWith('endmodule')) flush();
      continue;
    }
    if (/^ {2}\S/.test(line) && !/^ {2}end(case)?\b/.test(line)) items.push(line);
    else if (items.length) items[items.length - 1] += `\n${line}`;
  }
  flush();
  return modules.sort().join('\n');
}

/** True when Yosys gives the same netlist for both designs (false also when either does not elaborate). */
export async function sameNetlist(original: GeneratedFile[], mutant: GeneratedFile[], top: string): Promise<boolean> {
  try {
    const [a, b] = [await netlist(original, top), await netlist(mutant, top)];
    return canonicalNetlist(a) === canonicalNetlist(b);
  } catch {
    return false;
  }
}

/**
 * The design as Yosys elaborates it, before any optimisation (read_verilog; hierarchy;
 * proc), without source-position attributes and with the counters in auto-generated names
 * replaced: what the text turns into for this configuration. A line in a generate branch the parameters switch off, or in a module the
 * top never instantiates, leaves no trace in it.
 */
async function elaborated(files: GeneratedFile[], top: string): Promise<string> {
  return withRtlDir(files, async (dir, sv) => {
    const script = `read_verilog -sv ${sv.join(' ')}; hierarchy -top ${top}; proc; write_rtlil elaborated.il`;
    await runTool('yosys', ['-q', '-p', script], `elaborating ${top} for a coverage check`, { cwd: dir, timeoutSeconds: 300 });
    // Auto-generated names carry counters ($113, autoidx) that also count the parsed text of
    // branches that are never elaborated: replace them, keep everything else.
    return readFileSync(join(dir, 'elaborated.il'), 'utf8')
      .split('\n')
      .filter((l) => !/^\s*attribute \\src /.test(l) && !/^autoidx /.test(l))
      .map((l) => l.replace(/\$\d+/g, '$N'))
      .join('\n');
  });
}

/**
 * True when the mutant elaborates to exactly the original (before optimisation): the
 * mutated line is not part of this configuration's design at all — a generate branch its
 * parameters switch off, or a module nothing instantiates. Such a mutant is "not covered"
 * (another configuration would elaborate it), not equivalent.
 */
export async function notElaborated(original: GeneratedFile[], mutant: GeneratedFile[], top: string): Promise<boolean> {
  try {
    const [a, b] = [await elaborated(original, top), await elaborated(mutant, top)];
    return a === b;
  } catch {
    return false;
  }
}

export const NETLIST_REASON =
  'proved: Yosys gives identical netlists for the original and the mutant (read_verilog -sv; hierarchy; proc; ' +
  'flatten; opt -full; clean -purge; module items compared in sorted order), so the mutated text is not part of ' +
  'the elaborated design for this configuration, drives nothing observable, or optimises to the same logic';
