/**
 * The block registry: every hardware block spikeforge can generate, by `top` name.
 * Add a new block here (explicitly: nothing is discovered by scanning folders).
 */
import { ConfigError } from '../core/errors.js';
import { BLOCK_NAMES, type BlockName } from '../core/config.js';
import { grayRom } from './gray_rom/index.js';
import { logPeBias } from './logpe_bias/index.js';
import { lifArray } from './lif_array/index.js';
import { xnorAttention } from './xnor_attention/index.js';
import { ssaHead } from './ssa_head/index.js';
import type { AnyBlock } from './types.js';

// `satisfies` makes a block name without a registered block a type error.
export const blocks: Partial<Record<BlockName, AnyBlock>> = {
  gray_rom: grayRom,
  logpe_bias: logPeBias,
  lif_array: lifArray,
  xnor_attention: xnorAttention,
  ssa_head: ssaHead,
} satisfies Record<BlockName, AnyBlock>;

export function blockFor(top: BlockName): AnyBlock {
  const block = blocks[top];
  if (!block) {
    const have = BLOCK_NAMES.filter((n) => blocks[n]).join(', ');
    throw new ConfigError('top', top, `this build of spikeforge generates: ${have}`);
  }
  return block;
}
