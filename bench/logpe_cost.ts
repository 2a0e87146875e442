/**
 * Log-PE cost: Yosys 0.23 resource counts of the three implementations of the stand-alone
 * `<name>_logpe_bias` top (paper mode, one pair per clock) at N = 12, 64, 168 and 256,
 * for iCE40 (`synth_ice40`: SB_LUT4, SB_CARRY, SB_DFF*, SB_RAM40_4K) and generic LUT6
 * (`synth; abc -lut 6`: LUT6 count, flip-flops and depth).
 *
 *   npx tsx bench/logpe_cost.ts            prints a Markdown table (docs/logpe_bias.md)
 *   npx tsx bench/logpe_cost.ts --json     the raw numbers
 *   LOGPE_SIZES=12,64 npx tsx ...          other sizes
 *
 * The table ROM holds the paper values here; an exported table of the same N and bias
 * width costs the same memory (the authors' N = 168 table also has 4-bit entries).
 * The generic flow has no block RAM, so a large table ROM becomes LUT logic there; that
 * run is skipped above LOGPE_GENERIC_ROM_MAX_BITS (default 16384) because abc takes many
 * minutes and the number only says "do not do this".
 */
import { cpus } from 'node:os';
import { generateDesign } from '../src/design/design.js';
import { resolveConfig } from '../src/io/config-file.js';
import type { LogPeDerived, LogPeImpl } from '../src/blocks/logpe_bias/derive.js';
import { synthesize, type SynthReport } from '../src/tools/yosys.js';
import { pool } from './pool.js';

const IMPLS: LogPeImpl[] = ['logic', 'distance-rom', 'table-rom'];
const sizes = (process.env['LOGPE_SIZES'] ?? '12,64,168,256').split(',').map(Number);
const genericRomMaxBits = Number(process.env['LOGPE_GENERIC_ROM_MAX_BITS'] ?? 16384);

interface Row {
  n: number;
  impl: LogPeImpl;
  biasWidth: number;
  /** Bits the N×N table would need: N²·BiasW. */
  tableBits: number;
  ice40: SynthReport;
  lut6: SynthReport | null;
}


/** Every iCE40 cell that costs a logic cell or a RAM block. */
const ice40Cells = (r: SynthReport) => r.luts + r.carries + r.ffs + r.brams;

async function main(): Promise<void> {
  const started = performance.now();
  const combos = sizes.flatMap((n) => IMPLS.map((impl) => ({ n, impl })));
  // Largest jobs first so that the pool's two slots finish together.
  const order = [...combos].sort((a, b) => b.n - a.n);
  const rows = await pool(
    order.map(({ n, impl }) => async (): Promise<Row> => {
      const d = generateDesign(
        resolveConfig({ top: 'logpe_bias', name: `cost${n}_${impl.replace('-', '_')}`, seqLen: n, logPe: { impl } }, '.'),
      );
      const l = d.derived as LogPeDerived;
      const tableBits = n * n * l.biasWidth;
      const ice40 = await synthesize(d.files, d.topModule, 'ice40', { timeoutSeconds: 1800 });
      const lut6 = impl === 'table-rom' && tableBits > genericRomMaxBits ? null : await synthesize(d.files, d.topModule, 'generic', { timeoutSeconds: 1800 });
      process.stderr.write(`  N = ${n} ${impl}: ${ice40.seconds.toFixed(1)} s ice40, ${lut6 ? `${lut6.seconds.toFixed(1)} s` : 'skipped'} generic\n`);
      return { n, impl, biasWidth: l.biasWidth, tableBits, ice40, lut6 };
    }),
    Math.min(2, cpus().length),
  );
  rows.sort((a, b) => a.n - b.n || IMPLS.indexOf(a.impl) - IMPLS.indexOf(b.impl));

  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const lines = [
    '| N | impl | BiasW | N²·BiasW bits | SB_LUT4 | SB_CARRY | SB_DFF* | SB_RAM40_4K | iCE40 cells | LUT6 | FF (generic) | LUT6 depth |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) =>
      [
        r.n,
        r.impl,
        r.biasWidth,
        r.tableBits,
        r.ice40.luts,
        r.ice40.carries,
        r.ice40.ffs,
        r.ice40.brams,
        ice40Cells(r.ice40),
        r.lut6 ? r.lut6.luts : 'skipped',
        r.lut6 ? r.lut6.ffs : '-',
        r.lut6 ? (r.lut6.depth ?? '?') : '-',
      ].join(' | '),
    ).map((s) => `| ${s} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.stderr.write(`(${((performance.now() - started) / 1000).toFixed(0)} s on ${cpus().length} cores)\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
