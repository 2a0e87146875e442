/**
 * The interface page written with every design (`<name>_interface.md`, src/design/interface-page.ts):
 * it names every port of the manifest with its width, its WaveDrom block parses and draws
 * the top's real ports, it is listed in the manifest with its hash, and it is deterministic.
 * In-process and tool-free: a few milliseconds per design.
 */
import { describe, expect, it } from 'vitest';
import { sha256 } from '../src/base/hash.js';
import { fieldPort, readyPort, validPort, type TopPorts } from '../src/blocks/ports.js';
import { design } from './helpers/design.js';

const CONFIGS: Record<string, unknown>[] = [
  { top: 'gray_rom', name: 'ig', seqLen: 8 },
  { top: 'logpe_bias', name: 'il', seqLen: 8 },
  { top: 'xnor_attention', name: 'ix', seqLen: 5, dim: 8, timesteps: 2, lanes: 2 },
  { top: 'lif_array', name: 'ilf', neurons: 8, lanes: 2, timesteps: 2 },
  { top: 'ssa_head', name: 'is', seqLen: 4, dim: 4, timesteps: 2, heads: 2 },
  { top: 'xnor_attention', name: 'iax', seqLen: 5, dim: 8, timesteps: 2, lanes: 2, axis: true },
  { top: 'ssa_head', name: 'ias', seqLen: 4, dim: 4, timesteps: 2, axis: true },
];

/** Every port of the manifest's `ports` with its width, clk_i and rst_ni included. */
function manifestPorts(p: TopPorts): Map<string, number> {
  const m = new Map<string, number>([
    ['clk_i', 1],
    ['rst_ni', 1],
  ]);
  for (const s of p.inputs) {
    m.set(validPort(s, 'in'), 1).set(readyPort(s, 'in'), 1);
    for (const f of s.fields) m.set(fieldPort(f, 'in'), f.width);
  }
  for (const s of p.outputs) {
    m.set(validPort(s, 'out'), 1).set(readyPort(s, 'out'), 1);
    for (const f of s.fields) m.set(fieldPort(f, 'out'), f.width);
  }
  for (const f of p.flags ?? []) m.set(f.port, 1);
  return m;
}

interface Wave {
  name: string;
  wave: string;
  data?: string[];
}

function waves(signal: unknown[]): Wave[] {
  return signal.flatMap((s) => (Array.isArray(s) ? waves(s.slice(1)) : s && typeof s === 'object' && 'name' in s ? [s as Wave] : []));
}

describe('interface page', () => {
  for (const cfg of CONFIGS) {
    it(`${cfg['top']}${cfg['axis'] ? ' with axis' : ''}: every manifest port with its width, a WaveDrom diagram that parses`, () => {
      const d = design(cfg);
      const page = d.files.find((f) => f.path === `${cfg['name']}_interface.md`);
      expect(page, 'the page is written with the design').toBeDefined();
      const manifest = JSON.parse(d.files.find((f) => f.path === 'manifest.json')!.content);
      expect(manifest.files).toContainEqual({ path: page!.path, kind: 'meta', sha256: sha256(page!.content) });

      // The ports table: one row per port, width as in the manifest.
      const rows = new Map<string, number>();
      for (const m of page!.content.matchAll(/^\| `([a-z0-9_]+)` \| (input|output) \| (\d+) \|/gm)) rows.set(m[1]!, Number(m[3]));
      const want = manifestPorts(manifest.ports as TopPorts);
      expect(want.size).toBeGreaterThan(4);
      expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(want));

      // The instantiation connects every port of the top.
      const inst = /```systemverilog\n([\s\S]*?)```/.exec(page!.content)![1]!;
      expect(inst).toContain(`${d.topModule} u_${cfg['name']} (`);
      for (const port of want.keys()) expect(inst).toMatch(new RegExp(`\\.${port}\\s+\\(`));

      // WaveDrom: valid JSON, every port drawn, every wave as long as the clock's, one data
      // label per '=' and a stall on every stream (valid high while ready is low).
      const json = /```wavedrom\n([\s\S]*?)```/.exec(page!.content)![1]!;
      const diagram = JSON.parse(json) as { signal: unknown[] };
      const drawn = waves(diagram.signal);
      expect(drawn.map((w) => w.name).sort()).toEqual([...want.keys()].sort());
      const cycles = drawn[0]!.wave.length;
      for (const w of drawn) {
        expect(w.wave, w.name).toMatch(/^[p01=x.]+$/);
        expect(w.wave.length, w.name).toBe(cycles);
        expect((w.data ?? []).length, w.name).toBe([...w.wave].filter((c) => c === '=').length);
      }
      const level = (w: Wave) => [...w.wave].reduce<string[]>((acc, c) => [...acc, c === '.' ? acc.at(-1)! : c], []);
      const ports = manifest.ports as TopPorts;
      for (const [s, dir] of [...ports.inputs.map((s) => [s, 'in'] as const), ...ports.outputs.map((s) => [s, 'out'] as const)]) {
        const v = level(drawn.find((w) => w.name === validPort(s, dir))!);
        const r = level(drawn.find((w) => w.name === readyPort(s, dir))!);
        expect(v.some((x, i) => x === '1' && r[i] === '0'), `${s.name} has a stall`).toBe(true);
      }

      // The latency and cycle formula are the block's own (describe()), never re-derived.
      for (const [k, v] of Object.entries(manifest.derived as Record<string, unknown>)) {
        if (/latency|cycle/i.test(k)) expect(page!.content).toContain(`| ${k} | ${String(v).replace(/\|/g, '\\|')} |`);
      }
      expect(design(cfg).files.find((f) => f.path === page!.path)!.content).toBe(page!.content);
    });
  }

  it('names signedness and bit order: the LIF membranes are two\'s complement, a head\'s bits are placed', () => {
    const lif = design(CONFIGS[3]!).files.find((f) => f.path === 'ilf_interface.md')!.content;
    expect(lif).toMatch(/^\| `mem_o` \| output \| \d+ \| two's complement \(per lane\) \|/m);
    const ssa = design(CONFIGS[4]!).files.find((f) => f.path === 'is_interface.md')!.content;
    expect(ssa).toMatch(/^\| `k_i` \| input \| 8 \| unsigned \| key spike row: bit c of a head is feature c \(D = 4\), head e of the beat at bits \[e·4, \(e\+1\)·4\)/m);
  });
});
