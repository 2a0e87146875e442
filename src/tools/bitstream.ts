/**
 * A board's bitstream (docs/board.md): the pin-level board top synthesised for its device
 * (`synth_ice40`, with `-device u -spram` on the UP5K), placed and routed with its PCF by
 * nextpnr-ice40 against the board's clock, and packed by icepack.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile } from '../render/files.js';
import { ICE40_DEVICES } from '../targets/ice40.js';
import { runTool } from './run.js';
import { withRtlDir } from './workdir.js';

export interface BitstreamRequest {
  files: GeneratedFile[];
  top: string;
  device: string;
  package: string;
  pcf: string;
  clockMHz: number;
  seed: number;
  timeoutSeconds: number;
}

export interface BitstreamReport {
  top: string;
  device: string;
  package: string;
  seed: number;
  lcs: number | null;
  lcsAvailable: number | null;
  brams: number | null;
  sprams: number | null;
  fmaxMHz: number | null;
  clockMHz: number;
  /** nextpnr's post-route Fmax reaches the board clock. */
  timingMet: boolean;
  seconds: number;
}

interface NextpnrReportJson {
  utilization?: Record<string, { used: number; available: number }>;
  fmax?: Record<string, { achieved: number; constraint: number }>;
}

/** Builds the bitstream; returns its bytes and the place-and-route numbers. */
export async function buildBitstream(req: BitstreamRequest): Promise<{ bin: Buffer; report: BitstreamReport }> {
  const dev = ICE40_DEVICES.find((d) => d.name === req.device);
  if (!dev) throw new Error(`unknown iCE40 device ${req.device}`); // BOARDS names only known devices
  return withRtlDir(req.files, async (dir, sv) => {
    const started = performance.now();
    const flags = dev.yosysFlags.length ? `${dev.yosysFlags.join(' ')} ` : '';
    await runTool('yosys', ['-q', '-p', `read_verilog -sv ${sv.join(' ')}; synth_ice40 ${flags}-top ${req.top} -json board.json`], `synthesising ${req.top}`, {
      cwd: dir,
      timeoutSeconds: req.timeoutSeconds,
    });
    writeFileSync(join(dir, 'board.pcf'), req.pcf);
    // No --timing-allow-fail: a bitstream that misses the board clock is not written.
    const pnr = await runTool(
      'nextpnr-ice40',
      [...dev.flags, '--package', req.package, '--json', 'board.json', '--pcf', 'board.pcf', '--freq', String(req.clockMHz), '--seed', String(req.seed), '--asc', 'board.asc', '--report', 'report.json'],
      `placing and routing ${req.top} on the ${dev.name} (${req.package})`,
      { cwd: dir, timeoutSeconds: req.timeoutSeconds },
    );
    await runTool('icepack', ['board.asc', 'board.bin'], `packing the bitstream of ${req.top}`, { cwd: dir, timeoutSeconds: 120 });
    const rep = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as NextpnrReportJson;
    const clocks = Object.values(rep.fmax ?? {});
    let fmax = clocks.length ? Math.min(...clocks.map((c) => c.achieved)) : null;
    if (fmax === null) {
      const all = [...`${pnr.stdout}\n${pnr.stderr}`.matchAll(/Max frequency for clock '[^']*': ([\d.]+) MHz/g)];
      if (all.length) fmax = Number(all[all.length - 1]![1]);
    }
    const lc = rep.utilization?.['ICESTORM_LC'];
    return {
      bin: readFileSync(join(dir, 'board.bin')),
      report: {
        top: req.top,
        device: dev.name,
        package: req.package,
        seed: req.seed,
        lcs: lc?.used ?? null,
        lcsAvailable: lc?.available ?? null,
        brams: rep.utilization?.['ICESTORM_RAM']?.used ?? null,
        sprams: rep.utilization?.['ICESTORM_SPRAM']?.used ?? null,
        fmaxMHz: fmax === null ? null : Math.round(fmax * 100) / 100,
        clockMHz: req.clockMHz,
        timingMet: fmax !== null && fmax >= req.clockMHz,
        seconds: (performance.now() - started) / 1000,
      },
    };
  });
}
