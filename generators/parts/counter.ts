/**
 * Shared sequential parts every block may instantiate (templates/parts/):
 *
 *   `<prefix>_counter`  a wrap-around index counter with enable and clear: 0, Step, 2·Step,
 *                       … Last, 0, … (parameters W, Last, Step; a named generate block
 *                       for the one-value case Last = 0). `last_o` chains counters:
 *                       (beat, lane), (row, column).
 *   `<prefix>_delay`    a W-bit delay line of Depth enabled clocks (Depth = 0: a wire).
 *
 * Both are parameterised modules, written once per design; every width and value they
 * get comes from the instantiating block's derive().
 */
import type { GeneratedFile, RenderMeta } from '../../src/render/files.js';
import { renderTemplate } from '../../src/render/templates.js';
import { header } from '../../src/render/header.js';

export function counterModule(prefix: string): string {
  return `${prefix}_counter`;
}
export function delayModule(prefix: string): string {
  return `${prefix}_delay`;
}

export function renderCounter(prefix: string, meta: RenderMeta): GeneratedFile {
  const module = counterModule(prefix);
  return {
    path: `${module}.sv`,
    content: renderTemplate('parts/counter.sv.hbs', {
      header: header(
        module,
        ['Wrap-around index counter: count_o = 0, Step, 2*Step, ..., Last, 0, ... on enabled clocks; clr_i restarts at 0.'],
        { W: 'count width (parameter)', Last: 'last value (parameter; 0: a constant 0)', Step: 'increment (parameter)' },
        meta,
      ),
      module,
    }),
    kind: 'sv',
  };
}

export function renderDelay(prefix: string, meta: RenderMeta): GeneratedFile {
  const module = delayModule(prefix);
  return {
    path: `${module}.sv`,
    content: renderTemplate('parts/delay.sv.hbs', {
      header: header(module, ['Delay line: q_o = d_i of Depth enabled clocks ago (Depth = 0: a wire).'], { W: 'width (parameter)', Depth: 'register stages (parameter)' }, meta),
      module,
    }),
    kind: 'sv',
  };
}
