/**
 * The RAM part's generator (plans: src/parts/ram.ts): one parameterised module per style a
 * design uses, `<prefix>_ram_sdp` and `<prefix>_ram_sp` (`<prefix>_spram` with the
 * SPRAM attribute), and the instance parameters of each memory.
 */
import type { GeneratedFile, RenderMeta } from '../../src/render/files.js';
import { header } from '../../src/render/header.js';
import { renderTemplate } from '../../src/render/templates.js';
import type { RamPlan } from '../../src/parts/ram.js';

/** The module that implements a plan. */
export function ramModule(prefix: string, plan: RamPlan): string {
  if (plan.kind === 'sdp') return `${prefix}_ram_sdp`;
  return plan.huge ? `${prefix}_spram` : `${prefix}_ram_sp`;
}

/** `#(.Depth(..), .Width(..), .AddrW(..))` of an instance, for templates. */
export function ramParams(plan: RamPlan): { name: string; value: number }[] {
  return [
    { name: 'Depth', value: plan.depth },
    { name: 'Width', value: plan.width },
    { name: 'AddrW', value: plan.addrWidth },
  ];
}

/** The modules the plans need, once each (a design may hold several memories of one style). */
export function renderRams(prefix: string, plans: RamPlan[], meta: RenderMeta): GeneratedFile[] {
  const files = new Map<string, GeneratedFile>();
  for (const plan of plans) {
    const module = ramModule(prefix, plan);
    if (files.has(module)) continue;
    const sdp = plan.kind === 'sdp';
    const summary = sdp
      ? ['Simple dual-port RAM (one write port, one registered read port), behavioural: block RAM on iCE40 and xc7.']
      : [`Single-port RAM, "no change" form${plan.huge ? ', SPRAM requested' : ''}: SB_SPRAM256KA on the iCE40 UP5K, block RAM elsewhere.`];
    const content = renderTemplate(sdp ? 'ram/ram_sdp.sv.hbs' : 'ram/ram_sp.sv.hbs', {
      header: header(module, summary, { Depth: 'words (instance parameter)', Width: 'bits per word (instance parameter)', AddrW: 'max(1, clog2(Depth)) (instance parameter)' }, meta),
      module,
      huge: plan.huge,
    });
    files.set(module, { path: `${module}.sv`, content, kind: 'sv' });
  }
  return [...files.values()];
}
