/** The block contract, part two: derived parameters → SystemVerilog and .mem files. */
import type { GeneratedFile, RenderMeta } from '../src/render/files.js';

export interface BlockGenerator<D> {
  /** Every file of the block's RTL; the top module is the one its spec's ports() names. */
  render(d: D, meta: RenderMeta): GeneratedFile[];
}
