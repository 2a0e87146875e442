/** docs/mutation.md: the kill rate per block, every mutant, every survivor with its explanation. */
import { cpus, loadavg } from 'node:os';
import { LINT_GATE, type BlockMutationReport, type MutantResult, type MutationOptions } from './run.js';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
/** Markdown table cell: no pipes or newlines, long text cut. */
const cell = (s: string, max = 110) => {
  const t = s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};
const code = (s: string) => `\`${cell(s).replace(/`/g, "'")}\``;

export interface ReportContext {
  options: MutationOptions;
  date: string;
  tools: Record<string, string>;
  seconds: number;
  /** Target kill rate (killed / (killed + survived)). */
  target: number;
  /** Unexplained survivors a block may have. */
  maxUnexplained?: number;
  /** How warm the model cache was (the times depend on it). */
  cache?: string;
}

function outcomeText(r: MutantResult): string {
  if (r.outcome === 'equivalent') return r.how === 'argued' ? 'equivalent (argued)' : `equivalent (proved: ${r.how})`;
  if (r.outcome === 'survived') return r.detail ? 'survived (known gap)' : '**survived**';
  return r.outcome;
}

function mutantRow(r: MutantResult, i: number): string {
  const where = `${r.site.file.split(r.prefix).join('‹n›')}:${r.site.line}`;
  return `| ${i + 1} | ${r.seed} | ${where} | ${r.site.cls} \`${cell(r.site.op)}\` | ${code(r.site.mutated.trim())} | ${outcomeText(r)} | ${cell(r.detail || '-')} |`;
}

export function mutationMarkdown(reports: BlockMutationReport[], ctx: ReportContext): string {
  const o = ctx.options;
  const seeds = o.seeds.join(', ');
  const lines: string[] = [
    '# Mutation testing of the co-simulation',
    '',
    'How much does "bit-exact under co-simulation" prove? Each mutant is the generated RTL of',
    'a small design with one plausible bug (src/mutation/operators.ts); it is re-verified with',
    '`verifyDesign` exactly as `spikeforge verify` does (corner, exhaustive where small, and',
    `${o.vectors} random cases; full throughput, then random input gaps and back-pressure; randomised`,
    'initial state). A mutant the verification rejects is **killed**; so is one the co-simulation',
    'passes but `verilator --lint-only -Wall` rejects (the lint gate every generated design must',
    'pass; counted and listed apart below). This file is written by',
    '`make mutation`; `make test` runs a bounded sample of the same machinery (test/mutation.test.ts).',
    '',
    `- date: ${ctx.date}; machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), shared with other work (load average ${loadavg()[0]!.toFixed(1)} at the end)`,
    `- tools: ${Object.entries(ctx.tools).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `- simulator: ${o.simulator}; seeds ${seeds}, ${o.perBlock} counted mutants per block and seed, each seed skipping the mutants earlier seeds drew (${o.perBlock * o.seeds.length} distinct mutants per block); a mutant is verified with its seed; ${o.jobs} at a time; total ${(ctx.seconds / 60).toFixed(1)} min`,
    ...(ctx.cache ? [`- model cache: ${ctx.cache}`] : []),
    '- kill rate = killed / (killed + survived), with its exact two-sided 95% Clopper–Pearson interval (src/mutation/stats.ts);',
    '  the lower end is what the sample proves. Known gaps (reported to the block owner) count as survived.',
    '- a survivor is sorted by src/mutation/classify.ts, first match wins: **not covered** (the mutant elaborates to exactly',
    '  the original: the subject does not use the line; not counted), **equivalent, proved** by identical Yosys netlists,',
    '  by a SAT proof over T chained LIF neurons (neuron-chain), or by a SAT temporal-induction proof over corresponding',
    '  registers from reset (induction, src/formal/versions.ts); **equivalent, argued** (a written reason in',
    '  src/mutation/equivalents.ts); otherwise **survived**: a known gap, or UNEXPLAINED. Equivalent and not-covered',
    '  mutants are not counted. Stillborn mutants (the simulator rejects the text) are replaced by the next draw.',
    '- not generated: widening (+1) a `localparam int` used only as a width or depth (values sized by the generator',
    '  only gain a zero bit: equivalent by construction); its narrowing (−1) is generated.',
    `- target: a kill rate of at least ${pct(ctx.target)} and at most ${ctx.maxUnexplained ?? 0} unexplained survivor(s) for every block`,
    '',
    '## Summary',
    '',
    '| block | subjects | sites | mutants | killed | survived | kill rate | 95% interval | equivalent (proved / argued) | not covered | stillborn | time |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of reports) {
    const sites = Object.values(r.sites).reduce((a, b) => a + b, 0);
    const ok = r.killRate >= ctx.target && r.unexplained <= (ctx.maxUnexplained ?? 0) ? '' : ' **below target**';
    const proved = r.equivalentBy.netlist + r.equivalentBy['neuron-chain'] + r.equivalentBy.induction;
    lines.push(
      `| ${r.block} | ${r.subjects.length} | ${sites} | ${r.killed + r.survived + r.equivalent + r.notCovered} | ${r.killed}${r.killedByLint ? ` (${r.killedByLint} by lint)` : ''} | ${r.survived}${r.unexplained ? ` (${r.unexplained} unexplained)` : ''} | **${pct(r.killRate)}**${ok} | ${pct(r.killRateLower)} – ${pct(r.killRateUpper)} | ${r.equivalent} (${proved} / ${r.equivalentBy.argued}) | ${r.notCovered} | ${r.stillborn} | ${Math.round(r.seconds)} s |`,
    );
  }
  lines.push('', 'Per seed (killed / survived / equivalent / not covered):', '', `| block | ${o.seeds.map((x) => `seed ${x}`).join(' | ')} |`, `|---|${o.seeds.map(() => '---').join('|')}|`);
  for (const r of reports) lines.push(`| ${r.block} | ${r.perSeed.map((x) => `${x.killed} / ${x.survived} / ${x.equivalent} / ${x.notCovered}`).join(' | ')} |`);
  lines.push('', 'Equivalent mutants by how (proved: netlist, neuron chain, induction; argued):', '', '| block | netlist | neuron chain | induction | argued |', '|---|---|---|---|---|');
  for (const r of reports) lines.push(`| ${r.block} | ${r.equivalentBy.netlist} | ${r.equivalentBy['neuron-chain']} | ${r.equivalentBy.induction} | ${r.equivalentBy.argued} |`);
  lines.push('', 'Sites per class (all subjects of the block):', '', '| block | operator | constant | rom-bit | tie | ignore-ready | hold-register |', '|---|---|---|---|---|---|---|');
  for (const r of reports) {
    const s = r.sites;
    lines.push(`| ${r.block} | ${s.operator} | ${s.constant} | ${s['rom-bit']} | ${s.tie} | ${s['ignore-ready']} | ${s['hold-register']} |`);
  }

  const byLint = reports.flatMap((r) => r.mutants.filter((m) => m.outcome === 'killed' && m.detail.startsWith(LINT_GATE)));
  if (byLint.length) {
    lines.push('', '## Killed by the lint gate only', '', 'These passed the co-simulation; `verilator --lint-only -Wall` rejects their RTL.', '');
    for (const m of byLint) lines.push(`- **${m.block}** (seed ${m.seed}), ${m.site.file}:${m.site.line} (${m.site.cls} \`${m.site.op}\`): ${code(m.site.original.trim())} → ${code(m.site.mutated.trim())}: ${m.detail.slice(LINT_GATE.length)}`);
  }

  lines.push('', '## Survivors', '');
  const survivors = reports.flatMap((r) => r.mutants.filter((m) => m.outcome === 'survived' || m.outcome === 'equivalent' || m.outcome === 'not-covered'));
  if (!survivors.length) lines.push('None: every mutant was killed.');
  for (const m of survivors) {
    lines.push(
      `- **${m.block}** (seed ${m.seed}), ${m.site.file}:${m.site.line} (${m.site.cls} \`${m.site.op}\`): ${code(m.site.original.trim())} → ${code(m.site.mutated.trim())}: ${outcomeText(m)}`,
      m.outcome !== 'survived'
        ? `  - ${m.detail}`
        : m.detail
          ? `  - **${m.detail}**`
          : '  - **UNEXPLAINED: a test gap**; the block owner should add a test that kills it.',
    );
  }

  for (const r of reports) {
    lines.push('', `## ${r.block}`, '', 'Subjects:', '');
    for (const s of r.subjects) lines.push(`- ${code(s)}`);
    lines.push('', '| # | seed | file:line (‹n› = subject name) | class `op` | mutated line | outcome | how |', '|---|---|---|---|---|---|---|');
    r.mutants.forEach((m, i) => lines.push(mutantRow(m, i)));
  }
  return `${lines.join('\n')}\n`;
}
