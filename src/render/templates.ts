/**
 * Handlebars rendering with the discipline the generated RTL needs: strict mode (a
 * missing context value is an error, not an empty string), no HTML escaping, no
 * arithmetic in templates (contexts carry every number ready-made), and a check that no
 * `{{` survives into the output.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type HandlebarsNs from 'handlebars';
import { TEMPLATES_DIR } from '../base/paths.js';

const compiled = new Map<string, HandlebarsNs.TemplateDelegate>();
let hbEnv: typeof HandlebarsNs | null = null;

/**
 * A Handlebars environment of our own with the partials registered, made on the first
 * render. Handlebars (a CommonJS package) is required here, not imported at the top: the
 * commands that render nothing (a model-only check, golden, merge, --help, --version)
 * start without its forty-odd modules.
 */
function handlebars(): typeof HandlebarsNs {
  if (hbEnv) return hbEnv;
  const hb = (createRequire(import.meta.url)('handlebars') as typeof HandlebarsNs).create();
  const dir = join(TEMPLATES_DIR, 'partials');
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.hbs')) hb.registerPartial(file.replace(/\.hbs$/, ''), readFileSync(join(dir, file), 'utf8'));
  }
  hbEnv = hb;
  return hb;
}

/** Renders `templates/<relPath>` with `context`. */
export function renderTemplate(relPath: string, context: object): string {
  const hb = handlebars();
  let template = compiled.get(relPath);
  if (!template) {
    const source = readFileSync(join(TEMPLATES_DIR, relPath), 'utf8');
    template = hb.compile(source, { strict: true, noEscape: true, preventIndent: false });
    compiled.set(relPath, template);
  }
  const text = template(context);
  if (text.includes('{{')) throw new Error(`template ${relPath} left an unrendered '{{' in its output`);
  // Collapse the blank lines left by block helpers so output reads like hand-written SV.
  return `${text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
