/**
 * The docs that are generated or executable stay true:
 *   - docs/config.md is exactly what `spikeforge schema --markdown` prints, every config key
 *     has a description, and the "read by" column matches what the generator reads;
 *   - every worked example of docs/vectors.md is a file under docs/examples/vectors/, shown
 *     verbatim on the page, and passes `spikeforge check` on the golden model (and the RTL
 *     in the full tier);
 *   - the docs point only at files that exist inside the repo.
 * Runs the CLI in-process (no child process, no simulator), so the file takes seconds.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { READ_BY } from '../src/cli/schema-markdown.js';
import { BLOCK_NAMES, configJsonSchema, type BlockName } from '../src/base/config.js';
import { generateDesign } from '../src/design/design.js';
import { resolveConfig } from '../src/io/config-file.js';
import { FULL, FULL_ONLY } from './helpers/tier.js';
import { runMain } from './helpers/cli.js';

const ROOT = resolve(__dirname, '..');
const DOCS = join(ROOT, 'docs');
const EXAMPLES = join(DOCS, 'examples', 'vectors');

/** `spikeforge ARGS` in this process: exit status and what it printed. */
const run = runMain;

interface SchemaNode {
  description?: string;
  properties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
}

/** Every key of the JSON Schema as a dotted path, with its node. */
function schemaKeys(node: SchemaNode, prefix = ''): [string, SchemaNode][] {
  const obj = node.properties ? node : node.anyOf?.find((n) => n.properties);
  if (!obj?.properties) return [];
  return Object.entries(obj.properties).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [[path, child] as [string, SchemaNode], ...schemaKeys(child, path)];
  });
}

describe('docs/config.md (generated from the config schema)', () => {
  it('is exactly what `spikeforge schema --markdown` prints', async () => {
    const r = await run(['schema', '--markdown']);
    expect(r.code).toBe(0);
    const page = readFileSync(join(DOCS, 'config.md'), 'utf8');
    // On failure: npx tsc -p tsconfig.json && node bin/spikeforge.js schema --markdown -o docs/config.md
    expect(page, 'docs/config.md is stale: regenerate it with `node bin/spikeforge.js schema --markdown -o docs/config.md`').toBe(
      r.out,
    );
  });

  it('gives every key of the JSON Schema a description, and a "read by" entry', () => {
    const keys = schemaKeys(configJsonSchema() as SchemaNode);
    expect(keys.length).toBeGreaterThan(30);
    for (const [path, node] of keys) {
      expect(node.description, `config key ${path} has no description`).toMatch(/\w/);
    }
    expect(Object.keys(READ_BY).sort()).toEqual(keys.map(([p]) => p).sort());
  });

  // The "read by" column is a claim about the generator: check it. A top that does not read
  // a key must give the same design whatever valid value the key holds; a top that reads it
  // must give a different design (or a config error) for some value, from some base config.
  const t12 = (f: (i: number, j: number) => number) => Array.from({ length: 12 }, (_, i) => Array.from({ length: 12 }, (_, j) => f(i, j)));
  const tableA = t12((i, j) => Math.ceil(Math.log2(12 - Math.abs(i - j))));
  const tableB = t12((i, j) => (i + j) % 4);
  const engine = { seqLen: 12, dim: 8, timesteps: 2, grayPe: { enabled: true }, logPe: { enabled: true } };
  const bases: Record<BlockName, Record<string, unknown>[]> = {
    gray_rom: [{ seqLen: 12 }, { seqLen: 12, timesteps: 2, grayPe: { position: 'timestep-token' } }],
    logpe_bias: [{ seqLen: 12 }, { seqLen: 12, logPe: { mode: 'table', table: tableA } }],
    xnor_attention: [engine, { ...engine, logPe: { enabled: true, mode: 'table', table: tableA } }],
    lif_array: [{ neurons: 16 }, { neurons: 16, lanes: 4, timesteps: 2, fold: { membranes: 'memory' } }],
    ssa_head: [engine, { ...engine, logPe: { enabled: true, mode: 'table', table: tableA } }, { ...engine, fold: { membranes: 'memory' } }],
  };
  const alternatives: Record<string, unknown[]> = {
    name: ['other'],
    seqLen: [16],
    dim: [9],
    timesteps: [3],
    grid: [{ rows: 3, cols: 4 }],
    similarity: ['and'],
    'grayPe.enabled': [true, false],
    'grayPe.bits': [10],
    'grayPe.position': ['timestep-token', 'token'],
    'grayPe.impl': ['rom'],
    'logPe.enabled': [true, false],
    'logPe.mode': ['table', 'paper'],
    'logPe.table': [tableB],
    'logPe.impl': ['table-rom'],
    lanes: [2],
    neurons: [8],
    'lif.tauLog2': [2],
    'lif.decayInput': [false],
    'lif.threshold': [1],
    'lif.reset': ['soft'],
    'lif.vReset': [0.5],
    'lif.fracBits': [10],
    'lif.width': [30],
    'lif.inputWidth': [8],
    scale: [0.5],
    target: ['generic'],
    popcount: ['loop'],
    popcountPipeline: [0, 2],
    heads: [2],
    fold: [{ membranes: 'memory' }, 'auto'],
    'fold.headsPerEngine': [2],
    'fold.membranes': ['memory'],
    'fold.neuronLanes': [2],
    'fold.memory': ['spram'],
    clockMHz: [48],
    board: [{ name: 'icebreaker' }, { name: 'icebreaker', baud: 3_000_000, timeoutMs: 5 }],
    axis: [true],
  };

  function withKey(base: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
    const cfg = structuredClone(base);
    const parts = path.split('.');
    let obj = cfg;
    for (const p of parts.slice(0, -1)) obj = (obj[p] ??= {}) as Record<string, unknown>;
    obj[parts.at(-1)!] = value;
    return cfg;
  }

  /** Everything a design is made of except the config echo: RTL (hash masked), derived values, ports. */
  function fingerprint(top: BlockName, raw: Record<string, unknown>): string {
    let d;
    try {
      d = generateDesign(resolveConfig({ top, name: 'rb', ...raw }, ROOT));
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
    const files = d.files.filter((f) => f.path !== 'manifest.json').map((f) => [f.path, f.content.split(d.configHash).join('HASH')]);
    return JSON.stringify([files, d.block.describe(d.derived), d.block.ports(d.derived)]);
  }

  it('every top ignores the keys it is not listed for, and reads the ones it is', () => {
    expect(Object.keys(alternatives).sort()).toEqual(
      Object.keys(READ_BY)
        // `format` is read before anything else and changes no design (test/config-format.test.ts).
        .filter((k) => !['format', 'top', 'grayPe', 'logPe', 'lif', 'grid.rows', 'grid.cols', 'board.name', 'board.baud', 'board.timeoutMs'].includes(k))
        .sort(),
    );
    const wrong: string[] = [];
    for (const top of BLOCK_NAMES) {
      const original = bases[top].map((base) => fingerprint(top, base));
      for (const f of original) expect(f, `${top} base config`).not.toMatch(/^error/);
      for (const [path, values] of Object.entries(alternatives)) {
        const reads = READ_BY[path]!.tops.includes(top);
        let changed = false;
        for (const [b, base] of bases[top].entries()) {
          const before = original[b]!;
          for (const v of values) {
            const after = fingerprint(top, withKey(base, path, v));
            if (after !== before) {
              changed = true;
              if (!reads) wrong.push(`${top} is not listed for ${path}, but ${path} = ${JSON.stringify(v)} changes its design: ${after.slice(0, 160)}`);
            }
          }
        }
        if (reads && !changed) wrong.push(`${top} is listed for ${path}, but no tested value of ${path} changes its design`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('docs/vectors.md worked examples', () => {
  const files = existsSync(EXAMPLES) ? readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort() : [];
  const page = existsSync(join(DOCS, 'vectors.md')) ? readFileSync(join(DOCS, 'vectors.md'), 'utf8') : '';

  it('has an example per block, each shown verbatim on the page', () => {
    for (const b of BLOCK_NAMES) expect(files).toContain(`${b}.json`);
    for (const f of files) {
      const text = readFileSync(join(EXAMPLES, f), 'utf8');
      const top = JSON.parse(text).config.top as string;
      expect(f === `${top}.json` || f.startsWith(`${top}_`), `${f} holds a ${top} config`).toBe(true);
      expect(page.includes(`\`\`\`json\n${text}\`\`\``), `docs/vectors.md must show docs/examples/vectors/${f} verbatim in a json block`).toBe(true);
    }
  });

  it.each(files)('%s passes `spikeforge check` on the golden model', async (f) => {
    const r = await run(['check', join(EXAMPLES, f)]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^PASS .*: \d+ cases, \d+ expected values match the golden model\n/);
  });

  it.skipIf(!FULL).each(files)(`%s passes \`spikeforge check --rtl\`${FULL_ONLY}`, async (f) => {
    const r = await run(['check', join(EXAMPLES, f), '--rtl']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/and the RTL under verilator/);
  });
});

describe('the docs stand alone', () => {
  const markdown = [join(ROOT, 'README.md'), ...readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => join(DOCS, f))];

  it('link to, and name, only files that exist in the repo', () => {
    const broken: string[] = [];
    for (const file of markdown) {
      const text = readFileSync(file, 'utf8');
      // Markdown links, relative to the page.
      for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/i.test(target)) continue; // URLs
        if (!existsSync(resolve(dirname(file), target))) broken.push(`${file.slice(ROOT.length + 1)} → ${target}`);
      }
      // Pages named by their repo path in the text (`docs/foo.md`).
      for (const m of text.matchAll(/\bdocs\/[\w/.-]+\.(?:md|json)\b/g)) {
        if (!existsSync(join(ROOT, m[0]))) broken.push(`${file.slice(ROOT.length + 1)} names ${m[0]}`);
      }
      // Source paths in code spans (`src/blocks/gray_rom/model.ts`), so a moved file shows up
      // here; patterns such as `docs/<block>.md` or `templates/*/` are skipped.
      for (const m of text.matchAll(/`((?:src|generators|templates|testbenches|test|bench|examples|calibration)\/[^`\s]*)`/g)) {
        const target = m[1]!.replace(/[),.;:]+$/, '');
        if (/[<*{…]/.test(target)) continue;
        if (!existsSync(join(ROOT, target))) broken.push(`${file.slice(ROOT.length + 1)} names ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('do not point outside the repo (the shared folder, the old contract and style files)', () => {
    const dirs = ['docs', 'src', 'generators', 'templates', 'testbenches', 'test', 'bench'];
    const files = [join(ROOT, 'README.md')];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir)) {
        const p = join(dir, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(md|ts|hbs|cpp|sv|json)$/.test(e) && !p.includes(`${join('test', 'fixtures')}`)) files.push(p);
      }
    };
    for (const d of dirs) if (existsSync(join(ROOT, d))) walk(join(ROOT, d));
    // Built from pieces so that this file does not match itself.
    const stale = new RegExp(['\\.\\./' + 'shared', 'SPEC' + '\\.md', 'SV-' + 'STYLE', 'decisions' + '\\.md'].join('|'));
    const hits = files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => [line, i] as const)
        .filter(([line]) => stale.test(line))
        .map(([line, i]) => `${f.slice(ROOT.length + 1)}:${i + 1}: ${line.trim()}`),
    );
    expect(hits).toEqual([]);
  });

  it('hold no placeholder waiting for a number or a note (TODO, FIXME, TBD, an ALL_CAPS token outside code)', () => {
    expect(markdown.flatMap((f) => placeholders(f.slice(ROOT.length + 1), readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('the placeholder check can fail', () => {
    expect(placeholders('x.md', 'Measured proof times: FORMAL_TIMES\n')).toEqual(['x.md:1: Measured proof times: FORMAL_TIMES']);
    expect(placeholders('x.md', 'a\n**TODO (later):** wire it\n')).toHaveLength(1);
    expect(placeholders('x.md', 'Set `SPIKEFORGE_CACHE_DIR` or SPIKEFORGE_FULL=1 in a code block:\n```sh\nFOO_BAR=1 make\n```\n')).toEqual([]);
  });
});

/**
 * Lines of a page that hold a placeholder: TODO/FIXME/TBD, or a token of upper-case words
 * joined by underscores (FORMAL_TIMES) outside code spans and blocks that is not an
 * environment variable (`NAME=value`, or a known prefix). Cell names (SB_RAM40_4K, LUT6_2)
 * have digits or short parts and do not match.
 */
function placeholders(name: string, text: string): string[] {
  const out: string[] = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (line.trimStart().startsWith('```')) fenced = !fenced;
    if (fenced) return;
    const prose = line.replace(/`[^`]*`/g, '');
    const caps = [...prose.matchAll(/\b[A-Z]{3,}(?:_[A-Z]{3,})+\b(?!=)/g)].filter((m) => !/^(SPIKEFORGE|SF|XDG|CCACHE|VM|OPT|USER|JOB|SLURM|LD|NODE)_/.test(m[0]));
    if (/\b(TODO|FIXME|TBD)\b/.test(prose) || caps.length) out.push(`${name}:${i + 1}: ${line.trim()}`);
  });
  return out;
}
