/**
 * The CLI end to end (the Foundation issue's checks): generate, verify, check, golden,
 * config errors, determinism and the build cache.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { VECTORS_DIR } from './helpers/design.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'sf-cli-'));

function writeConfig(dir: string, cfg: Record<string, unknown>, file = 'cfg.json'): string {
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify(cfg));
  return path;
}

describe('spikeforge --help', () => {
  it('explains every command', async () => {
    const r = await cli(['--help']);
    expect(r.exitCode).toBe(0);
    for (const c of ['generate', 'verify', 'check', 'golden', 'schema']) expect(r.stdout).toContain(c);
    const g = await cli(['verify', '--help']);
    expect(g.stdout).toMatch(/cached by content hash/);
  });

  it('help reads well in an 80-column terminal: no line longer than 80, no sentence broken by a hard line break', async () => {
    const { createCli } = await import('../src/cli/main.js');
    const commands = createCli().commands.map((c) => c.name());
    const all = [['--help'], ...commands.map((c) => [c, '--help'])];
    const results = await Promise.all(all.map((args) => cli(args)));
    for (const [i, args] of all.entries()) {
      const r = results[i]!;
      expect(r.exitCode, args.join(' ')).toBe(0);
      const long = r.stdout.split('\n').filter((l) => l.length > 80);
      expect(long, args.join(' ')).toEqual([]);
    }
    // Commander wraps descriptions itself: a hard line break inside a paragraph would be
    // wrapped again into a ragged line ("run\nwith another seed").
    const texts = [createCli(), ...createCli().commands].flatMap((c) => [c.description(), ...c.options.map((o) => o.description)]);
    for (const t of texts) expect(t.replace(/\n\n/g, ' ')).not.toMatch(/\n/);
  });
});

describe('generate', () => {
  it('writes RTL, filelist, core and manifest, byte-identical on a second run', async () => {
    const dir = tmp();
    const cfg = writeConfig(dir, { top: 'gray_rom', name: 'det', seqLen: 20, grayPe: { impl: 'rom' } });
    const a = await cli(['generate', cfg, '-o', join(dir, 'a')]);
    const b = await cli(['generate', cfg, '-o', join(dir, 'b')]);
    expect(a.exitCode).toBe(0);
    expect(b.exitCode).toBe(0);
    const files = readdirSync(join(dir, 'a')).sort();
    expect(files).toEqual(['det.core', 'det.f', 'det_gray_code.mem', 'det_gray_code.sv', 'det_gray_rom.sv', 'manifest.json']);
    for (const f of files) expect(readFileSync(join(dir, 'b', f), 'utf8')).toBe(readFileSync(join(dir, 'a', f), 'utf8'));
    const manifest = JSON.parse(readFileSync(join(dir, 'a', 'manifest.json'), 'utf8'));
    expect(manifest.config.lanes).toBe(1); // defaults filled in
    expect(manifest.derived.bits).toBe(5);
    expect(readFileSync(join(dir, 'a', 'det.f'), 'utf8')).toBe('det_gray_code.sv\ndet_gray_rom.sv\n');
    // No absolute paths in generated files.
    for (const f of files) expect(readFileSync(join(dir, 'a', f), 'utf8')).not.toContain(dir);
  });

  it('accepts YAML', async () => {
    const dir = tmp();
    const path = join(dir, 'cfg.yaml');
    writeFileSync(path, 'top: gray_rom\nname: yml\nseqLen: 8\n');
    const r = await cli(['generate', path, '-o', join(dir, 'out')]);
    expect(r.exitCode).toBe(0);
    expect(existsSync(join(dir, 'out', 'yml_gray_rom.sv'))).toBe(true);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['seqLen: 0', { top: 'gray_rom', name: 'bad', seqLen: 0 }, /"seqLen": value 0 .*integer from 1/],
    ['an unknown key', { top: 'gray_rom', name: 'bad', seqLen: 4, sequenceLength: 4 }, /"sequenceLength".*unknown key/],
    ['bits below the minimum', { top: 'gray_rom', name: 'bad', seqLen: 40, grayPe: { bits: 3 } }, /"grayPe\.bits": value 3.*at least 6/],
    ['a bad name', { top: 'gray_rom', name: '9lives', seqLen: 4 }, /"name": value "9lives".*SystemVerilog identifier/],
    ['a keyword name', { top: 'gray_rom', name: 'module', seqLen: 4 }, /"name": value "module"/],
    ['a wrong type', { top: 'gray_rom', name: 'bad', seqLen: '12' }, /"seqLen": value "12"/],
  ];
  it.each(bad)('rejects %s with exit 2, a message naming it, and no output folder', async (_label, cfg, message) => {
    const dir = tmp();
    const path = writeConfig(dir, cfg);
    const out = join(dir, 'out');
    const r = await cli(['generate', path, '-o', out]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual(['cfg.json']);
  });

  it('reports an unreadable config with exit 2', async () => {
    const r = await cli(['generate', '/nonexistent/cfg.json']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/cannot read config \/nonexistent\/cfg.json: ENOENT/);
  });
});

describe('check and golden (SPEC §7)', () => {
  it('passes pub_gray.json and pub_gray2d.json on the model and the RTL', async () => {
    for (const f of ['pub_gray.json', 'pub_gray2d.json']) {
      const r = await cli(['check', join(VECTORS_DIR, f), '--rtl', '--trace-dir', tmp()]);
      expect(r.stdout + r.stderr).toMatch(/PASS/);
      expect(r.exitCode).toBe(0);
    }
  });

  it('exits 1 naming the case, key, index, expected and got when one expected value is changed', async () => {
    const dir = tmp();
    const vf = JSON.parse(readFileSync(join(VECTORS_DIR, 'pub_gray.json'), 'utf8'));
    vf.cases[1].expected.codes[3] ^= 1;
    const path = join(dir, 'changed.json');
    writeFileSync(path, JSON.stringify(vf));
    const r = await cli(['check', path]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`case "positions_1": codes[3]: expected ${vf.cases[1].expected.codes[3]}, got 93`);
    const rtl = await cli(['check', path, '--rtl', '--trace-dir', dir]);
    expect(rtl.exitCode).toBe(1);
  });

  it('golden fills in expected values that then check', async () => {
    const dir = tmp();
    const vf = JSON.parse(readFileSync(join(VECTORS_DIR, 'pub_gray2d.json'), 'utf8'));
    for (const c of vf.cases) delete c.expected;
    const stripped = join(dir, 'stripped.json');
    writeFileSync(stripped, JSON.stringify(vf));
    const out = join(dir, 'golden.json');
    const g = await cli(['golden', stripped, '-o', out]);
    expect(g.exitCode).toBe(0);
    const filled = JSON.parse(readFileSync(out, 'utf8'));
    const original = JSON.parse(readFileSync(join(VECTORS_DIR, 'pub_gray2d.json'), 'utf8'));
    expect(filled.cases.map((c: { expected: unknown }) => c.expected)).toEqual(original.cases.map((c: { expected: unknown }) => c.expected));
  });

  it('rejects a malformed vector file with exit 2 naming the place', async () => {
    const dir = tmp();
    const vf = JSON.parse(readFileSync(join(VECTORS_DIR, 'pub_gray.json'), 'utf8'));
    vf.cases[0].inputs.positions[2] = 999;
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify(vf));
    const r = await cli(['check', path]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/cases\[0\] \("positions_0"\): inputs\.positions\[2\]: must be an integer from 0 to 119 \(got 999\)/);
  });
});

describe('verify', () => {
  it('reuses the cached model on a second run with another seed', async () => {
    const dir = tmp();
    // A config no other test builds, so the first run really builds.
    const cfg = writeConfig(dir, { top: 'gray_rom', name: `cache_${process.pid}`, seqLen: 29, grayPe: { bits: 11 } });
    const first = await cli(['verify', cfg, '-o', join(dir, 'out'), '--seed', '3']);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/PASS bit-exact/);
    const second = await cli(['verify', cfg, '-o', join(dir, 'out'), '--seed', '4']);
    expect(second.exitCode).toBe(0);
    expect(second.stderr).toMatch(/model: cache hit/);
    expect(second.stdout).toMatch(/model from cache/);
  });
});
