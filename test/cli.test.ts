/**
 * The CLI end to end (the Foundation issue's checks): generate, verify, check, golden,
 * config errors, determinism and the build cache.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, inProcess, runMain } from './helpers/cli.js';
import { VECTORS_DIR } from './helpers/design.js';
import { loadDesignFolder } from '../src/design/on-disk.js';
import { loadConfigFile } from '../src/io/config-file.js';
import { generateDesign } from '../src/design/design.js';
import { writeDesignFolder } from '../src/io/design-folder.js';

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
    const g = await runMain(['verify', '--help']);
    expect(g.out).toMatch(/cached by content hash/);
  });

  it('help reads well in an 80-column terminal: no line longer than 80, no sentence broken by a hard line break', async () => {
    const { createCli } = await import('../src/cli/main.js');
    const commands = createCli().commands.map((c) => c.name());
    const all = [['--help'], ...commands.map((c) => [c, '--help'])];
    // In this process (runMain): a pipe, as for a process that is not on a terminal, so
    // help wraps to 80 columns ('explains every command' runs the real process).
    expect(process.stdout.columns).toBeUndefined();
    for (const args of all) {
      const r = await runMain(args);
      expect(r.code, args.join(' ')).toBe(0);
      const long = r.out.split('\n').filter((l) => l.length > 80);
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
    const a = await inProcess(['generate', cfg, '-o', join(dir, 'a')]);
    const b = await inProcess(['generate', cfg, '-o', join(dir, 'b')]);
    expect(a.exitCode).toBe(0);
    expect(b.exitCode).toBe(0);
    const files = readdirSync(join(dir, 'a')).sort();
    expect(files).toEqual(['det.core', 'det.f', 'det_gray_code.mem', 'det_gray_code.sv', 'det_gray_rom.sv', 'det_interface.md', 'manifest.json']);
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
    const r = await inProcess(['generate', path, '-o', join(dir, 'out')]);
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
    const r = await inProcess(['generate', path, '-o', out]);
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
      const r = await inProcess(['check', join(VECTORS_DIR, f), '--rtl', '--trace-dir', tmp()]);
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
    const r = await inProcess(['check', path]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`case "positions_1": codes[3]: expected ${vf.cases[1].expected.codes[3]}, got 93`);
    const rtl = await inProcess(['check', path, '--rtl', '--trace-dir', dir]);
    expect(rtl.exitCode).toBe(1);
  });

  it('golden fills in expected values that then check', async () => {
    const dir = tmp();
    const vf = JSON.parse(readFileSync(join(VECTORS_DIR, 'pub_gray2d.json'), 'utf8'));
    for (const c of vf.cases) delete c.expected;
    const stripped = join(dir, 'stripped.json');
    writeFileSync(stripped, JSON.stringify(vf));
    const out = join(dir, 'golden.json');
    const g = await inProcess(['golden', stripped, '-o', out]);
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
    const r = await inProcess(['check', path]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/cases\[0\] \("positions_0"\): inputs\.positions\[2\]: must be an integer from 0 to 119 \(got 999\)/);
  });
});

describe('verify', () => {
  it('reuses the cached model on a second run with another seed', async () => {
    const dir = tmp();
    // A fixed name: on a warm run the first run is a cache hit too. Both runs name the model
    // they used by its key, so a seed in the key shows as two keys either way.
    const cfg = writeConfig(dir, { top: 'gray_rom', name: 'cache_seed', seqLen: 29, grayPe: { bits: 11 } });
    const first = await inProcess(['verify', cfg, '-o', join(dir, 'out'), '--seed', '3']);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/PASS bit-exact/);
    const second = await inProcess(['verify', cfg, '-o', join(dir, 'out'), '--seed', '4']);
    expect(second.exitCode).toBe(0);
    expect(second.stderr).toMatch(/simulation: cache hit/);
    expect(second.stdout).toMatch(/model from cache/);
    const key = (stderr: string) => /simulation: (?:built in [\d.]+ s|cache hit) \(([0-9a-f]{24})\)/.exec(stderr)?.[1];
    expect(key(first.stderr)).toMatch(/^[0-9a-f]{24}$/);
    expect(key(second.stderr)).toBe(key(first.stderr));
  });
});

describe('hand-edited designs: verify and synth --design DIR', () => {
  // The case: the engine's score adder `count_q + bias` edited to `-`.
  const engine = { top: 'xnor_attention', name: 'hand', seqLen: 6, dim: 5, logPe: { enabled: true } };

  it('verify --design co-simulates the RTL as it is on disk and fails on the edit; without --design the edit is not reverted (exit 2)', async () => {
    const dir = tmp();
    const cfg = writeConfig(dir, engine);
    const out = join(dir, 'hand');
    expect((await inProcess(['generate', cfg, '-o', out])).exitCode).toBe(0);
    const sv = join(out, 'hand_xnor_attention.sv');
    const text = readFileSync(sv, 'utf8');
    const sum = "SW'(count_q) + SW'(bias[l*BiasW +: BiasW])";
    expect(text).toContain(sum);
    const edited = text.replace(sum, sum.replace(' + ', ' - '));
    writeFileSync(sv, edited);

    // The refusal comes before any tool runs: in-process.
    const again = await runMain(['verify', cfg, '-o', out, '-n', '2']);
    expect(again.code, again.err).toBe(2);
    expect(again.err).toMatch(/SF_OUTPUT_EDITED.*hand_xnor_attention\.sv differs/);
    expect(again.out).not.toMatch(/PASS/);
    expect(readFileSync(sv, 'utf8')).toBe(edited);

    const d = await inProcess(['verify', '--design', out, '-n', '2']);
    expect(d.exitCode, d.stderr).toBe(1);
    expect(d.stdout).toMatch(/hand_xnor_attention: RTL as on disk in .*hand; differs from the generator's output in hand_xnor_attention\.sv/);
    expect(d.stderr).toMatch(/SF_COSIM_MISMATCH.*RTL differs from the golden model: case "[^"]+": scores/);
    expect(readFileSync(sv, 'utf8')).toBe(edited);

    // The unedited design passes under --design, and the report says it is the generator's output.
    writeFileSync(sv, text);
    const ok = await inProcess(['verify', '--design', out, '-n', '2']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/RTL as on disk in .*; identical to the generator's output/);
    expect(ok.stdout).toMatch(/PASS bit-exact \(RTL as on disk\)/);
  });

  it('synth --design synthesises the RTL on disk (an output tied to 0 costs fewer cells) and records it; without --design exit 2', async () => {
    const dir = tmp();
    const cfg = writeConfig(dir, engine);
    const out = join(dir, 'hand');
    const fresh = await inProcess(['synth', cfg, '-o', out, '--json']);
    expect(fresh.exitCode, fresh.stderr).toBe(0);
    const before = JSON.parse(fresh.stdout);
    expect(before.rtl).toEqual({ source: 'generated', changed: [] });
    const sv = join(out, 'hand_xnor_attention.sv');
    writeFileSync(sv, readFileSync(sv, 'utf8').replace('assign score_o[l*SW +: SW] = score_q;', "assign score_o[l*SW +: SW] = '0;"));
    const refused = await runMain(['synth', cfg, '-o', out]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/SF_OUTPUT_EDITED/);
    const r = await inProcess(['synth', '--design', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/RTL as on disk; differs from the generator's output in hand_xnor_attention\.sv/);
    const after = JSON.parse(readFileSync(join(out, 'synth-ice40.json'), 'utf8'));
    expect(after.rtl).toEqual({ source: 'disk', changed: ['hand_xnor_attention.sv'] });
    expect(after.luts).toBeLessThan(before.luts);
  });

  it('--design needs a spikeforge design folder and excludes a config, --out and --force (exit 2)', async () => {
    const dir = tmp();
    const cfg = writeConfig(dir, { top: 'gray_rom', name: 'dz', seqLen: 4 });
    const out = join(dir, 'dz');
    expect((await inProcess(['generate', cfg, '-o', out])).exitCode).toBe(0);
    const cases: [string[], RegExp][] = [
      [['verify', cfg, '--design', out], /option --design: .*either a config or --design, not both/],
      [['verify', '--design', out, '-o', join(dir, 'x')], /option --design: .*--out cannot be combined/],
      [['synth', '--design', out, '--force'], /option --design: .*--force cannot be combined/],
      [['verify'], /<config>: missing: give a design config, or --design DIR/],
      [['synth', '--design', dir], /--design .*: the folder holds no spikeforge manifest\.json/],
      [['verify', '--design', join(dir, 'nothing')], /--design .*nothing: no such folder/],
    ];
    // Argument checks are main()'s: in-process (a process per case costs half a second each).
    for (const [args, message] of cases) {
      const r = await runMain(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it('a relative Log-PE table resolves against the design folder, then the current folder, and must have the manifest\'s sha256', () => {
    const dir = tmp();
    const table = 'logpe-seqsnn-N12-torch1.13.json';
    copyFileSync(join(VECTORS_DIR, table), join(dir, table));
    const cfg = writeConfig(dir, { top: 'logpe_bias', name: 'tab', seqLen: 12, logPe: { enabled: true, mode: 'table', table } });
    const d = generateDesign(loadConfigFile(cfg));
    const out = join(dir, 'designs', 'tab');
    mkdirSync(out, { recursive: true });
    writeDesignFolder(out, d.files);
    const cwd = process.cwd();
    try {
      // From the config's folder: found in the current folder.
      process.chdir(dir);
      const a = loadDesignFolder(out);
      expect(a.design.configHash).toBe(d.configHash);
      expect(a.changed).toEqual([]);
      expect(a.notes).toEqual([]);
      // From elsewhere: not found, with where it was looked for.
      process.chdir(tmp());
      expect(() => loadDesignFolder(out)).toThrow(/config key "logPe\.table": the table "logpe-seqsnn-N12-torch1\.13\.json" is in none of .*designs\/tab\/logpe-seqsnn-N12-torch1\.13\.json/);
      // A copy beside the design is found; a different table of that name is refused.
      copyFileSync(join(dir, table), join(out, table));
      expect(loadDesignFolder(out).design.configHash).toBe(d.configHash);
      const other = JSON.parse(readFileSync(join(dir, table), 'utf8'));
      other[0][1] = other[0][1] + 1;
      writeFileSync(join(out, table), JSON.stringify(other));
      expect(() => loadDesignFolder(out)).toThrow(/has sha256 [0-9a-f]{16}…, the manifest records [0-9a-f]{16}… \(the design was generated from another table\)/);
    } finally {
      process.chdir(cwd);
    }
  });
});
