/**
 * A whole block: its spec (src/blocks/<block>/), its generator (generators/<block>.ts) and
 * its co-simulation harness (testbenches/<block>.ts). The CLI, co-simulation, estimator,
 * sweeps, mutation and fuzzing treat every block through this interface only.
 */
import type { BlockGenerator } from '../../generators/types.js';
import type { BlockHarness } from '../../testbenches/types.js';
import type { BlockSpec } from '../blocks/types.js';

export type BlockDef<D, I, O> = BlockSpec<D, I, O> & BlockGenerator<D> & { harness: BlockHarness<D, I, O> };

// The registry holds blocks of different parameter types; callers go through the
// interface only, so the element type is erased here on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBlock = BlockDef<any, any, any>;

export function defineBlock<D, I, O>(spec: BlockSpec<D, I, O>, generator: BlockGenerator<D>, harness: BlockHarness<D, I, O>): BlockDef<D, I, O> {
  return { ...spec, render: generator.render, harness };
}
