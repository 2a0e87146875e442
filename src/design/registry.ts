/**
 * The block registry: every hardware block spikeforge can generate, by `top` name, with
 * all its faces (src/design/types.ts). This is the one registry: the estimator, sweeps,
 * mutation testing and fuzzing read blocks from here. Add a block here, explicitly —
 * nothing is discovered by scanning folders (docs/adding-a-block.md).
 */
import { grayRomGenerator } from '../../generators/gray_rom.js';
import { lifArrayGenerator } from '../../generators/lif_array.js';
import { logPeBiasGenerator } from '../../generators/logpe_bias.js';
import { ssaHeadGenerator } from '../../generators/ssa_head.js';
import { xnorAttentionGenerator } from '../../generators/xnor_attention.js';
import { grayRomHarness } from '../../testbenches/gray_rom.js';
import { lifArrayHarness } from '../../testbenches/lif_array.js';
import { logPeBiasHarness } from '../../testbenches/logpe_bias.js';
import { ssaHeadHarness } from '../../testbenches/ssa_head.js';
import { xnorAttentionHarness } from '../../testbenches/xnor_attention.js';
import { BLOCK_NAMES, type BlockName } from '../base/config.js';
import { ConfigError } from '../base/errors.js';
import { grayRom } from '../blocks/gray_rom/index.js';
import { lifArray } from '../blocks/lif_array/index.js';
import { logPeBias } from '../blocks/logpe_bias/index.js';
import { ssaHead } from '../blocks/ssa_head/index.js';
import { xnorAttention } from '../blocks/xnor_attention/index.js';
import { defineBlock, type AnyBlock } from './types.js';

// `satisfies` makes a block name without a registered block a type error.
export const blocks = {
  gray_rom: defineBlock(grayRom, grayRomGenerator, grayRomHarness),
  logpe_bias: defineBlock(logPeBias, logPeBiasGenerator, logPeBiasHarness),
  xnor_attention: defineBlock(xnorAttention, xnorAttentionGenerator, xnorAttentionHarness),
  lif_array: defineBlock(lifArray, lifArrayGenerator, lifArrayHarness),
  ssa_head: defineBlock(ssaHead, ssaHeadGenerator, ssaHeadHarness),
} satisfies Record<BlockName, AnyBlock> as Record<BlockName, AnyBlock>;

export function blockFor(top: BlockName): AnyBlock {
  const block = blocks[top];
  if (!block) {
    const have = BLOCK_NAMES.filter((n) => blocks[n]).join(', ');
    throw new ConfigError('top', top, `this build of spikeforge generates: ${have}`);
  }
  return block;
}
