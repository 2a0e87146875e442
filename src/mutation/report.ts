/** docs/mutation.md: the kill rate per block, every mutant, every survivor with its explanation. */
import { cpus, loadavg } from 'node:os';
import type { BlockMutationReport, MutantResult, MutationOptions } from './run.js';

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
  /** How warm the model cache was (the times depend on it). */
  cache?: string;
}

function mutantRow(r: MutantResult, i: number): string {
  const where = `${r.site.file.split(r.prefix).join('‹n›')}:${r.site.line}`;
  return `| ${i + 1} | ${where} | ${r.site.cls} \`${cell(r.site.op)}\` | ${code(r.site.mutated.trim())} | ${r.outcome} | ${cell(r.detail || '-')} |`;
}

export function mutationMarkdown(reports: BlockMutationReport[], ctx: ReportContext): string {
  const o = ctx.options;
  const lines: string[] = [
    '# Mutation testing of the co-simulation',
    '',
    'How much does "bit-exact under co-simulation" prove? Each mutant is the generated RTL of',
    'a small design with one plausible bug (src/mutation/operators.ts); it is re-verified with',
    '`verifyDesign` exactly as `spikeforge verify` does (corner, exhaustive where small, and',
    `${o.vectors} random cases; full throughput, then random input gaps and back-pressure; randomised`,
    'initial state). A mutant the verification rejects is **killed**. This file is written by',
    '`make mutation`; `make test` runs a bounded sample of the same machinery (test/mutation.test.ts).',
    '',
    `- date: ${ctx.date}; machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), shared with other work (load average ${loadavg()[0]!.toFixed(1)} at the end)`,
    `- tools: ${Object.entries(ctx.tools).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `- simulator: ${o.simulator}; seed ${o.seed}; ${o.perBlock} counted mutants per block; ${o.jobs} at a time; total ${(ctx.seconds / 60).toFixed(1)} min`,
    ...(ctx.cache ? [`- model cache: ${ctx.cache}`] : []),
    `- kill rate = killed / (killed + survived); equivalent mutants are not counted. A survivor is equivalent when Yosys`,
    '  gives the identical netlist for original and mutant (src/mutation/equivalence.ts: dead generate branches,',
    '  changes that optimise away), or when src/mutation/equivalents.ts gives a checkable reason; every other survivor',
    '  is a test gap. Stillborn mutants (the simulator rejects the text) are replaced by the next draw.',
    '- not generated: widening (+1) a `localparam int` used only as a width or depth (values sized by the generator',
    '  only gain a zero bit: equivalent by construction); its narrowing (−1) is generated.',
    `- target: at least ${pct(ctx.target)} for every block`,
    '',
    '## Summary',
    '',
    '| block | subjects | sites | mutants | killed | equivalent | survived | stillborn | kill rate | raw (equiv. as survived) | time |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of reports) {
    const sites = Object.values(r.sites).reduce((a, b) => a + b, 0);
    const ok = r.killRate >= ctx.target ? '' : ' **below target**';
    lines.push(
      `| ${r.block} | ${r.subjects.length} | ${sites} | ${r.killed + r.survived + r.equivalent} | ${r.killed} | ${r.equivalent} | ${r.survived} | ${r.stillborn} | ${pct(r.killRate)}${ok} | ${pct(r.rawKillRate)} | ${Math.round(r.seconds)} s |`,
    );
  }
  lines.push('', 'Sites per class (all subjects of the block):', '', '| block | operator | constant | rom-bit | tie | ignore-ready | hold-register |', '|---|---|---|---|---|---|---|');
  for (const r of reports) {
    const s = r.sites;
    lines.push(`| ${r.block} | ${s.operator} | ${s.constant} | ${s['rom-bit']} | ${s.tie} | ${s['ignore-ready']} | ${s['hold-register']} |`);
  }

  lines.push('', '## Survivors', '');
  const survivors = reports.flatMap((r) => r.mutants.filter((m) => m.outcome === 'survived' || m.outcome === 'equivalent'));
  if (!survivors.length) lines.push('None: every mutant was killed.');
  for (const m of survivors) {
    lines.push(
      `- **${m.block}**, ${m.site.file}:${m.site.line} (${m.site.cls} \`${m.site.op}\`): ${code(m.site.original.trim())} → ${code(m.site.mutated.trim())}`,
      m.outcome === 'equivalent'
        ? `  - ${m.detail}`
        : m.detail
          ? `  - **${m.detail}**`
          : '  - **UNEXPLAINED: a test gap**; the block owner should add a test that kills it.',
    );
  }

  for (const r of reports) {
    lines.push('', `## ${r.block}`, '', 'Subjects:', '');
    for (const s of r.subjects) lines.push(`- ${code(s)}`);
    lines.push('', '| # | file:line (‹n› = subject name) | class `op` | mutated line | outcome | how |', '|---|---|---|---|---|---|');
    r.mutants.forEach((m, i) => lines.push(mutantRow(m, i)));
  }
  return `${lines.join('\n')}\n`;
}
