/**
 * A block with its AXI4-Stream face (config `axis`, docs/integration.md): the same spec,
 * model and cycle formula, but its top is the wrapper `<top>_axis` (generators/axis.ts) and
 * its harness drives the wrapper (testbenches/axis.ts). Everything downstream (manifest,
 * FuseSoC core, co-simulation under both simulators, synthesis, --design) sees the wrapper
 * as the design's top without knowing about AXI4-Stream.
 */
import { renderAxis } from '../../generators/axis.js';
import { axisHarness } from '../../testbenches/axis.js';
import { axisPlan, type AxisPlan } from '../blocks/axis.js';
import type { AnyBlock } from './types.js';

export function withAxis(block: AnyBlock): AnyBlock {
  const plan = (d: unknown): AxisPlan => axisPlan(block.ports(d), block.frames(d), block.harness.observe?.streams(d) ?? []);
  return {
    ...block,
    ports: (d) => plan(d).ports,
    // The wrapper has no register on the data path: the core's cycle formula holds.
    render: (d, meta) => [...block.render(d, meta), renderAxis(plan(d), meta)],
    harness: axisHarness(block.harness, plan),
  };
}

/** The plan of a design's wrapper (for the interface page), or null when the config has no `axis`. */
export function designAxisPlan(block: AnyBlock, derived: unknown, axis: boolean): AxisPlan | null {
  return axis ? axisPlan(block.ports(derived), block.frames(derived)) : null;
}
