/**
 * The netlist, not only the RTL (src/cosim/netlist.ts): designs synthesised by Yosys for the
 * iCE40 (SB_LUT4, SB_CARRY, SB_DFF*, inferred SB_RAM40_4K and SB_SPRAM256KA), written back
 * as Verilog and co-simulated with Yosys's own cell models against the golden model, under
 * the same stimulus, back-pressure and cycle count as the RTL. `make test` runs two small
 * designs whose membranes land in a block RAM and in SPRAMs; the folds of the paper presets
 * that fit a device run in the full tier.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { verifyDesign } from '../src/app/verify.js';
import { ice40Netlist, netlistSimulator, zeroUndefinedInit } from '../src/cosim/netlist.js';
import { loadConfigFile } from '../src/io/config-file.js';
import { generateDesign, type Design } from '../src/design/design.js';
import { design, mutate, traceDir } from './helpers/design.js';
import { FULL, FULL_ONLY } from './helpers/tier.js';
import { ice40Sprams } from '../src/targets/ice40.js';
import type { LifDerived } from '../src/blocks/lif_array/derive.js';

const UP5K = '-device u -spram';

async function netlistBitExact(d: Design, flags: string, vectors = 6) {
  const report = await verifyDesign(d, { vectors, seed: 5, trace: false, traceDir: traceDir(), simulatorImpl: netlistSimulator('verilator', flags), subject: 'the netlist' });
  expect(report.values).toBeGreaterThan(0);
  expect(report.measuredCycles).toBe(report.expectedCycles);
  return report;
}

function cells(netlist: string, cell: string): number {
  return (netlist.match(new RegExp(`^\\s*${cell}\\s`, 'gm')) ?? []).length;
}

describe('netlist co-simulation (Yosys synth_ice40 + cells_sim.v)', () => {
  it('zeroes undefined block-RAM contents only (what the bitstream holds)', () => {
    expect(zeroUndefinedInit(".INIT_0(256'hxx0f), .X(1'hx)")).toBe(".INIT_0(256'h000f), .X(1'hx)");
  });

  it('membranes in an inferred SB_RAM40_4K: bit-exact and cycle-exact', async () => {
    const d = design({ top: 'lif_array', name: 'nl_bram', neurons: 64, lanes: 2, timesteps: 4, fold: { membranes: 'memory' }, lif: { threshold: 0.5, inputWidth: 10 } });
    const n = await ice40Netlist(d.files, d.topModule, '');
    expect(cells(n.file.content, 'SB_RAM40_4K')).toBeGreaterThan(0);
    await netlistBitExact(d, '');
  });

  it('membranes in inferred SB_SPRAM256KA (UP5K flow, single-port ping-pong banks): bit-exact and cycle-exact', async () => {
    const d = design({ top: 'lif_array', name: 'nl_spram', neurons: 8, lanes: 2, timesteps: 3, fold: { membranes: 'memory', memory: 'spram' }, lif: { threshold: 0.5, inputWidth: 10 } });
    const n = await ice40Netlist(d.files, d.topModule, UP5K);
    const s = (d.derived as LifDerived).storage;
    expect(cells(n.file.content, 'SB_SPRAM256KA')).toBe(2 * ice40Sprams(s.words, s.wordWidth));
    await netlistBitExact(d, UP5K);
  });

  it('fails when the RTL is broken (a single-port bank read in the cycle it is written)', async () => {
    const d = design({ top: 'lif_array', name: 'nl_spmut', neurons: 8, lanes: 2, timesteps: 3, fold: { membranes: 'memory', memory: 'spram' }, lif: { threshold: 0.5, inputWidth: 10 } });
    const broken = mutate(d, 'nl_spmut_lif_array.sv', (sv) => sv.replace('assign cur_ready_o = (!v1_q || adv1) && !hazard;', 'assign cur_ready_o = !v1_q || adv1;'));
    await expect(netlistBitExact(broken, UP5K, 4)).rejects.toThrow(/differs from the golden model/);
  });

  it.runIf(FULL)(`a folded head with V and membranes in block RAM, and one with SPRAM${FULL ? '' : FULL_ONLY}`, async () => {
    const base = { top: 'ssa_head', seqLen: 12, dim: 8, timesteps: 3, lanes: 2, heads: 2, scale: 0.03125, grayPe: { enabled: true } };
    await netlistBitExact(design({ ...base, name: 'nl_head_b', fold: { headsPerEngine: 2, membranes: 'memory', neuronLanes: 2 } }), '');
    await netlistBitExact(design({ ...base, name: 'nl_head_s', fold: { headsPerEngine: 2, membranes: 'memory', neuronLanes: 1, memory: 'spram' } }), UP5K);
  });

  // The fitting folds of the paper presets (examples/fpga/, docs/fpga.md).
  const FITS: [string, string][] = [
    ['examples/fpga/ts_n12_gray_up5k.json', UP5K],
    ['examples/fpga/ts_n12_log_up5k.json', UP5K],
    ['examples/fpga/ts_n168_log_up5k.json', UP5K],
  ];
  for (const [file, flags] of FITS) {
    it.runIf(FULL)(`${file}: the synthesised netlist is bit-exact${FULL ? '' : FULL_ONLY}`, async () => {
      const d = generateDesign(loadConfigFile(join(__dirname, '..', file)));
      await netlistBitExact(d, flags, 2);
    }, 3_600_000);
  }
});
