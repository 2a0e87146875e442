/**
 * The house's layers (docs/architecture.md), checked over the import graph of every source
 * file: an import may go to its own folder or to a lower layer, never up or sideways, and
 * no files import each other in a circle (type-only imports included: they are part of the
 * picture a reader sees). And the tests' one house rule that comes from how they run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');

/** Folder → layer, lowest first. A folder not listed is an error (every folder has a place). */
export const LAYERS: [number, string[]][] = [
  [0, ['src/base']],
  [1, ['src/targets', 'src/render', 'src/io']],
  [2, ['src/parts']],
  [3, ['src/blocks']],
  [4, ['generators', 'testbenches']],
  [5, ['src/design', 'src/tools']],
  [6, ['src/cosim', 'src/vectors', 'src/estimate', 'src/formal']],
  [7, ['src/app']],
  [8, ['src/sweep', 'src/mutation']],
  [9, ['src/cli', 'src/api']],
  // Config fuzzing drives the CLI itself (exit codes and messages).
  [10, ['src/fuzz']],
];

function layerOf(file: string): { folder: string; rank: number } {
  let best: { folder: string; rank: number } | null = null;
  for (const [rank, folders] of LAYERS) {
    for (const folder of folders) {
      if ((file === folder || file.startsWith(`${folder}/`)) && (!best || folder.length > best.folder.length)) best = { folder, rank };
    }
  }
  if (!best) throw new Error(`${file} is in no layer of test/architecture.test.ts`);
  return best;
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((e) => {
    const p = join(dir, e);
    if (statSync(join(ROOT, p)).isDirectory()) return sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const FILES = ['src', 'generators', 'testbenches'].flatMap(sources);

/** Relative imports of a file (static, dynamic and `export … from`), as repo-relative .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    out.push(relative(ROOT, resolve(ROOT, dirname(file), m[1]!.replace(/\.js$/, '.ts'))));
  }
  return out;
}

const GRAPH = new Map(FILES.map((f) => [f, importsOf(f)]));

/** Imports that go up or sideways: to another folder of the same or a higher layer. */
function upward(graph: Map<string, string[]>): string[] {
  const bad: string[] = [];
  for (const [f, deps] of graph) {
    const from = layerOf(f);
    for (const d of deps) {
      const to = layerOf(d);
      if (to.folder !== from.folder && to.rank >= from.rank) bad.push(`${f} (${from.folder}, layer ${from.rank}) -> ${d} (${to.folder}, layer ${to.rank})`);
    }
  }
  return bad;
}

/** Every circle of imports between files, as `a -> b -> a`. */
function circles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const found: string[] = [];
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      found.push([...path.slice(path.indexOf(f)), f].join(' -> '));
      return;
    }
    state.set(f, 'open');
    for (const d of graph.get(f) ?? []) visit(d, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of graph.keys()) visit(f, []);
  return found;
}

describe('architecture', () => {
  it('every source file belongs to a layer', () => {
    for (const f of FILES) expect(() => layerOf(f)).not.toThrow();
  });

  it('imports go to the same folder or to a lower layer only', () => {
    expect(upward(GRAPH)).toEqual([]);
  });

  it('no files import each other in a circle', () => {
    expect(circles(GRAPH)).toEqual([]);
  });

  it('the checks can fail: an upward import and a circle are reported', () => {
    const graph = new Map(GRAPH);
    graph.set('src/base/bits.ts', [...(graph.get('src/base/bits.ts') ?? []), 'src/cli/main.ts']);
    expect(upward(graph)).toEqual(['src/base/bits.ts (src/base, layer 0) -> src/cli/main.ts (src/cli, layer 9)']);
    expect(circles(graph).length).toBeGreaterThan(0);
  });
});

/**
 * What a test file may not do to the process it runs in: vitest runs the files one after
 * another in the same workers (isolate: false in vitest.config.ts), so a change would leak
 * into every later file. A chdir is allowed when it is undone in a finally (checked by eye).
 */
const LEAKS: [RegExp, string][] = [
  [/process\.env(?:\[[^\]]+\]|\.\w+)\s*=[^=]|delete\s+process\.env/, 'changes process.env (pass env to the child process instead)'],
  [/\bvi\.(?:mock|doMock|stubEnv|stubGlobal|resetModules)\(/, 'mocks modules or globals'],
];

function leaks(file: string, text: string): string[] {
  return LEAKS.filter(([re]) => re.test(text)).map(([, what]) => `${file} ${what}`);
}

describe('test files share their worker processes', () => {
  const tests = sources('test').filter((f) => f !== 'test/architecture.test.ts');

  it('no test file changes process.env or mocks modules', () => {
    expect(tests.flatMap((f) => leaks(f, readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
  });

  it('the check can fail', () => {
    expect(leaks('t.ts', "process.env['SPIKEFORGE_CACHE_DIR'] = dir;")).toEqual(['t.ts changes process.env (pass env to the child process instead)']);
    expect(leaks('t.ts', 'delete process.env.HOME;')).toHaveLength(1);
    expect(leaks('t.ts', "vi.mock('../src/tools/run.js');")).toEqual(['t.ts mocks modules or globals']);
    expect(leaks('t.ts', "if (process.env['X'] === '1') run();")).toEqual([]);
  });
});
