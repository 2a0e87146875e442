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
import { runTool, toolVersion } from '../src/tools/run.js';
import { withRtlDir } from '../src/tools/workdir.js';

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

async function xc7Counts(files: Parameters<typeof withRtlDir>[0], top: string): Promise<Row['xc7']> {
  return withRtlDir(files, async (dir, sv) => {
    const r = await runTool('yosys', ['-q', '-p', `read_verilog -sv ${sv.join(' ')}; synth_xilinx -family xc7 -top ${top}; tee -q -o stat.json stat -json`], `synthesising ${top} for xc7`, { cwd: dir, timeoutSeconds: 3600 });
    const cells = (JSON.parse(readFileSync(join(dir, 'stat.json'), 'utf8')) as { design: { num_cells_by_type: Record<string, number> } }).design.num_cells_by_type;
    const sum = (re: RegExp) => Object.entries(cells).reduce((n, [k, v]) => (re.test(k) ? n + v : n), 0);
    return { luts: sum(/^LUT[1-6]$/), ffs: sum(/^FD[CPRSE]+$/), ramb18: sum(/^RAMB18/), ramb36: sum(/^RAMB36/), seconds: r.seconds };
  });
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
  const s1 = await synthDesign(design, { target: 'ice40', pnr: true, device: 'auto', seed: 1, timeoutSeconds: 3600 });
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
