/**
 * Gray-PE generator: the combinational position→code core (`<name>_gray_code`, XOR logic
 * or a `.mem` ROM) and the stream top (`<name>_gray_rom`, one register stage).
 * The XNOR engine instantiates the core; `top: "gray_rom"` emits both.
 */
import type { GrayDerived } from '../src/blocks/gray_rom/derive.js';
import { grayCodeModule, grayRomModule } from '../src/blocks/gray_rom/index.js';
import type { BlockGenerator } from './types.js';
import { positionCode } from '../src/blocks/gray_rom/model.js';
import type { GeneratedFile, RenderMeta } from '../src/render/files.js';
import { renderTemplate } from '../src/render/templates.js';
import { header, memFile } from '../src/render/header.js';


function grayParams(g: GrayDerived): Record<string, string | number> {
  return {
    Positions: `${g.positions} (${g.grid ? `${g.grid.rows}x${g.grid.cols} grid` : g.position === 'token' ? 'N tokens' : 'T*N, timestep-token'})`,
    PosWidth: `${g.posWidth} = max(1, clog2(${g.positions}))`,
    Bits: g.grid ? `${g.bits} = Gr ${g.grid.rowBits} + Gc ${g.grid.colBits}` : `${g.bits}`,
    Impl: g.impl,
  };
}

/** `<prefix>_gray`: the binary-reflected Gray code of a W-bit value, the one place its XOR is written. */
export function grayModule(prefix: string): string {
  return `${prefix}_gray`;
}

export function renderGray(prefix: string, meta: RenderMeta): GeneratedFile {
  const module = grayModule(prefix);
  return {
    path: `${module}.sv`,
    content: renderTemplate('gray_rom/gray.sv.hbs', {
      header: header(module, ['Binary-reflected Gray code (SPEC §1): gray_o = bin_i ^ (bin_i >> 1).'], { W: 'width (parameter)' }, meta),
      module,
    }),
    kind: 'sv',
  };
}

/** The combinational core (and the Gray part it instantiates), plus its ROM image when impl = "rom". */
export function renderGrayCode(g: GrayDerived, meta: RenderMeta): GeneratedFile[] {
  const module = grayCodeModule(g);
  const romDepth = g.romDepth;
  const memName = `${module}.mem`;
  const files: GeneratedFile[] = [];
  const context = {
    header: header(
      module,
      g.grid
        ? [`Gray-PE position code, 2-D (SPEC §1): code(i) = gray(i div C) << Gc | gray(i mod C), C = ${g.grid.cols}.`]
        : ['Gray-PE position code (SPEC §1): code(p) = p ^ (p >> 1), zero-extended to Bits.'],
      grayParams(g),
      meta,
    ),
    module,
    posWidth: g.posWidth,
    bits: g.bits,
    rom: g.impl === 'rom' ? { depth: romDepth, memFile: memName } : null,
    grid: g.impl === 'logic' && g.grid ? { ...g.grid, extWidth: g.posWidth + 1 } : null,
    plain: g.impl === 'logic' && !g.grid,
    gray: grayModule(g.name),
  };
  files.push({ path: `${module}.sv`, content: renderTemplate('gray_rom/gray_code.sv.hbs', context), kind: 'sv' });
  if (g.impl === 'logic') files.push(renderGray(g.name, meta));
  if (g.impl === 'rom') {
    // Entries past the last position (the ROM is a power of two deep) hold 0.
    const values = Array.from({ length: romDepth }, (_, p) => (p < g.positions ? positionCode(g, p) : 0));
    files.push({ path: memName, content: memFile(values, g.bits), kind: 'mem' });
  }
  return files;
}

/** `top: "gray_rom"`: the stream wrapper around the core. */
export function renderGrayRom(g: GrayDerived, meta: RenderMeta): GeneratedFile[] {
  const module = grayRomModule(g);
  const context = {
    header: header(
      module,
      [
        'Gray-PE position ROM with a valid/ready stream on each side (SPEC §1).',
        'One register stage: latency 1 cycle, one position per clock when not stalled.',
      ],
      { ...grayParams(g), Latency: 1 },
      meta,
    ),
    module,
    core: grayCodeModule(g),
    posWidth: g.posWidth,
    bits: g.bits,
  };
  return [
    ...renderGrayCode(g, meta),
    { path: `${module}.sv`, content: renderTemplate('gray_rom/gray_rom.sv.hbs', context), kind: 'sv' },
  ];
}

export const grayRomGenerator: BlockGenerator<GrayDerived> = { render: renderGrayRom };
