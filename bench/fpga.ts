/**
 * `make bench-fpga`: the proof on the devices (docs/fpga.md). For every fitted fold in
 * examples/fpga/ (one per paper preset and device), measured on this machine:
 *   - Yosys 0.23 synthesis for the device's flow (synth_ice40, -device u -spram on the
 *     UP5K; `--device auto` picks the device, counting SPRAM) and its wall time;
 *   - nextpnr-ice40 place-and-route inside the I/O shell with seeds 1, 2, 3: status, logic
 *     cells, block RAMs, SPRAMs, Fmax (median of the three);
 *   - cycles per sequence (the manifest's formula, measured equal in co-simulation) and
 *     sequences per second at the median Fmax;
 *   - the same design's counts on 7-series (`synth_xilinx -family xc7`): LUTs, flip-flops,
 *     RAMB18/RAMB36, against the xc7a35t (20,800 LUT6, 41,600 FF, 50 RAMB36).
 * (SPRAM folds are counted on xc7 with their membranes in block RAM: the SPRAM attribute is
 * the UP5K's.) Writes bench/results/fpga.md (and .json) with the machine described. One file at a
 * time (2 cores): `node --import tsx bench/fpga.ts [FILE...]`.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { loadConfigFile } from '../src/io/config-file.js';
import { generateDesign } from '../src/design/design.js';
import { synthDesign } from '../src/app/synth.js';
import { placeAndRoute } from '../src/tools/nextpnr.js';
import { toolVersion } from '../src/tools/run.js';
import { synthesize } from '../src/tools/yosys.js';
import type { GeneratedFile } from '../src/render/files.js';

interface Row {
  file: string;
  preset: string;
  device: string;
  fold: string;
  synthSeconds: number;
  luts: number;
  ffs: number;
  carries: number;
  brams: number;
  sprams: number;
  pnr: { seed: number; status: string; lcs: number | null; brams: number | null; sprams: number | null; fmaxMHz: number | null; seconds: number }[];
  fmaxMedian: number | null;
  cyclesPerSequence: number;
  sequencesPerSecond: number | null;
  xc7: { luts: number; ffs: number; ramb18: number; ramb36: number; seconds: number } | null;
}

/** 7-series counts through the product's own flow (src/tools/yosys.ts flattens before `stat`, which Yosys 0.23 needs when kept modules nest). */
async function xc7Counts(files: GeneratedFile[], top: string): Promise<Row['xc7']> {
  try {
    const r = await synthesize(files, top, 'xc7', { timeoutSeconds: 3600 });
    return { luts: r.luts, ffs: r.ffs, ramb18: r.details?.['RAMB18E1'] ?? 0, ramb36: r.details?.['RAMB36E1'] ?? 0, seconds: r.seconds };
  } catch (e) {
    process.stderr.write(`xc7 synthesis of ${top} failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
    return null;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const files = process.argv.slice(2).length ? process.argv.slice(2) : readdirSync('examples/fpga').filter((f) => f.endsWith('.json')).sort().map((f) => join('examples/fpga', f));
const out = 'bench/results/fpga.json';
const rows: Row[] = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as { rows: Row[] }).rows : [];
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; ${await toolVersion('yosys', '-V')}; ${await toolVersion('nextpnr-ice40', '--version')}; load average at start ${execSync('cat /proc/loadavg').toString().trim()}`;

for (const file of files) {
  const cfg = loadConfigFile(file);
  const design = generateDesign(cfg);
  const d = design.block.describe(design.derived);
  process.stderr.write(`${file}: synthesis...\n`);
  const s1 = await synthDesign(design, { target: 'ice40', pnr: true, device: 'auto', seed: 1, timeoutSeconds: 3600, cache: false });
  const pnr: Row['pnr'] = [];
  const add = (p: NonNullable<typeof s1.pnr>) => pnr.push({ seed: p.seed, status: p.status, lcs: p.lcs, brams: p.brams, sprams: p.sprams, fmaxMHz: p.fmaxMHz, seconds: p.seconds });
  add(s1.pnr!);
  for (const seed of [2, 3]) {
    process.stderr.write(`${file}: place and route, seed ${seed}...\n`);
    add(await placeAndRoute(design.files, design.block.ports(design.derived), { luts: s1.luts, ffs: s1.ffs, carries: s1.carries, brams: s1.brams, sprams: s1.sprams }, { device: s1.device!, seed, timeoutSeconds: 3600 }));
  }
  process.stderr.write(`${file}: xc7...\n`);
  // The SPRAM attribute is iCE40 UP5K only (Yosys refuses it for xc7): the xc7 counts are of
  // the same fold with its membranes in a simple dual-port RAM (block RAM there).
  const xdesign = cfg.fold !== 'auto' && cfg.fold.memory === 'spram' ? generateDesign({ ...cfg, fold: { ...cfg.fold, memory: 'bram' } }) : design;
  const xc7 = await xc7Counts(xdesign.files, xdesign.topModule);
  const fmaxes = pnr.filter((p) => p.fmaxMHz !== null).map((p) => p.fmaxMHz!);
  const fmaxMedian = fmaxes.length === 3 ? median(fmaxes) : null;
  const cycles = Number(d['cyclesPerSequence']);
  const row: Row = {
    file,
    preset: basename(file, '.json'),
    device: s1.device!,
    fold: String(d['Fold']),
    synthSeconds: s1.seconds,
    luts: s1.luts,
    ffs: s1.ffs,
    carries: s1.carries,
    brams: s1.brams,
    sprams: s1.sprams,
    pnr,
    fmaxMedian,
    cyclesPerSequence: cycles,
    sequencesPerSecond: fmaxMedian === null ? null : Math.round((fmaxMedian * 1e6) / cycles),
    xc7,
  };
  const at = rows.findIndex((r) => r.file === file);
  if (at >= 0) rows[at] = row;
  else rows.push(row);
  rows.sort((a, b) => (a.file < b.file ? -1 : 1));
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(out, `${JSON.stringify({ machine, date: new Date().toISOString(), rows }, null, 2)}\n`);
  const md = [
    '# Fitted folds on the devices (bench/fpga.ts)',
    '',
    `machine: ${machine}`,
    `date: ${new Date().toISOString()}`,
    '',
    '| config | device | LCs (seeds 1/2/3) | BRAM | SPRAM | Fmax MHz (seeds 1/2/3) | median | cycles / sequence | sequences / s | synthesis s | xc7 LUT | xc7 FF | xc7 RAMB18 / RAMB36 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| \`${r.file}\` | ${r.device} | ${r.pnr.map((p) => (p.status === 'ok' ? p.lcs : p.status)).join(' / ')} | ${r.pnr[0]?.brams ?? r.brams} | ${r.pnr[0]?.sprams ?? r.sprams} | ${r.pnr.map((p) => p.fmaxMHz ?? '-').join(' / ')} | ${r.fmaxMedian ?? '-'} | ${r.cyclesPerSequence} | ${r.sequencesPerSecond ?? '-'} | ${r.synthSeconds.toFixed(0)} | ${r.xc7?.luts ?? '-'} | ${r.xc7?.ffs ?? '-'} | ${r.xc7 ? `${r.xc7.ramb18} / ${r.xc7.ramb36}` : '-'} |`,
    ),
    '',
    ...rows.map((r) => `- \`${r.file}\`: ${r.fold}; Yosys ${r.luts} SB_LUT4, ${r.carries} SB_CARRY, ${r.ffs} SB_DFF*, ${r.brams} SB_RAM40_4K, ${r.sprams} SB_SPRAM256KA`),
  ];
  writeFileSync('bench/results/fpga.md', `${md.join('\n')}\n`);
  process.stderr.write(`${file}: done\n`);
}
