/** The header context every generated module shares (docs/sv-style.md, house style rule 2: no timestamps). */
import type { RenderMeta } from './files.js';

export interface HeaderContext {
  module: string;
  summary: string[];
  params: { key: string; value: string | number | boolean }[];
  generator: string;
  version: string;
  configHash: string;
}

export function header(
  module: string,
  summary: string[],
  params: Record<string, string | number | boolean>,
  meta: RenderMeta,
): HeaderContext {
  return {
    module,
    summary,
    params: Object.entries(params).map(([key, value]) => ({ key, value })),
    generator: meta.generator,
    version: meta.version,
    configHash: meta.configHash,
  };
}

/** A `.mem` file for `$readmemh`: one hex word per line, `digits` wide. */
export function memFile(values: readonly (number | bigint)[], width: number): string {
  const digits = Math.max(1, Math.ceil(width / 4));
  return `${values.map((v) => v.toString(16).padStart(digits, '0')).join('\n')}\n`;
}
