/**
 * Handlebars rendering with the discipline the generated RTL needs: strict mode (a
 * missing context value is an error, not an empty string), no HTML escaping, no
 * arithmetic in templates (contexts carry every number ready-made), and a check that no
 * `{{` survives into the output.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { TEMPLATES_DIR } from '../base/paths.js';

const hb = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();
let partialsLoaded = false;

function loadPartials(): void {
  if (partialsLoaded) return;
  const dir = join(TEMPLATES_DIR, 'partials');
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.hbs')) hb.registerPartial(file.replace(/\.hbs$/, ''), readFileSync(join(dir, file), 'utf8'));
  }
  partialsLoaded = true;
}

/** Renders `templates/<relPath>` with `context`. */
export function renderTemplate(relPath: string, context: object): string {
  loadPartials();
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
