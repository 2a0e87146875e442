/**
 * The sweep report in a real browser (full tier: `make test-full`, which runs
 * `make setup-browser` for Debian's Chromium). report.html is rendered by this build's
 * renderer from the example sweep's results (examples/sweep-attention-results/results.json)
 * and from a variant with every kind of point (estimated only, failed, invalid, long
 * category names), loaded in headless Chromium over the DevTools protocol
 * (test/helpers/browser.ts), and checked as a reader sees it:
 *
 * - every plot is drawn: one mark per point, each with a size, inside the plot's frame, at
 *   the place its data says (order along numeric axes, the right category), no text outside
 *   its plot or on top of other text, the Pareto front's marks and labels not hidden;
 * - a real click on a column header sorts the table (the order before and after, both
 *   directions, numbers as numbers, rows kept whole);
 * - nothing logs an error or a warning, no page error, and nothing but the page itself is
 *   requested (the report says it is self-contained).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PointResult, SweepResults } from '../src/sweep/results.js';
import { BrowserPage, CHROMIUM_INSTALL, chromiumPath } from './helpers/browser.js';
import { FULL, FULL_ONLY } from './helpers/tier.js';

const ROOT = resolve(__dirname, '..');
const RESULTS = join(ROOT, 'examples', 'sweep-attention-results', 'results.json');
const EXE = chromiumPath();
const NO_BROWSER = ` [skipped: Chromium not found; install it with ${CHROMIUM_INSTALL}]`;
if (FULL && !EXE) console.warn(`test/report-browser.test.ts${NO_BROWSER}`);

// Loaded only when the tests run: `make test` collects this file and skips it, and should not
// pay for compiling the report's module graph.
let report: typeof import('../src/sweep/report.js');
let results: typeof import('../src/sweep/results.js');
let hash: typeof import('../src/base/hash.js');
const areaOf = (p: PointResult) => results.areaOf(p);
const throughputOf = (p: PointResult, basis: SweepResults['summary']['throughputBasis']) => results.throughputOf(p, basis);
const text = (v: unknown): string => (typeof v === 'string' ? v : hash.canonicalJson(v));

/** What one plot looks like on the page: its frame, its marks and its text, in CSS pixels. */
interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}
interface PlotOnPage {
  title: string;
  svg: Box;
  frame: Box;
  marks: { title: string; cx: number; cy: number; box: Box; hollow: boolean; onTop: boolean }[];
  texts: { cls: string; text: string; box: Box; onTop: boolean }[];
}

/** Every plot of the page as laid out, with hit tests (each plot scrolled into view for them). */
async function plotsOnPage(page: BrowserPage): Promise<PlotOnPage[]> {
  return page.evaluate<PlotOnPage[]>(`(() => {
    const box = (e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; };
    // Is the element (or its own content) what the reader sees at its centre?
    const onTop = (e) => { const r = e.getBoundingClientRect(); const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2); return hit === e || e.contains(hit); };
    return [...document.querySelectorAll('svg[role=img]')].map((svg) => {
      svg.scrollIntoView({ block: 'center', inline: 'center' });
      return {
        title: svg.getAttribute('aria-label'),
        svg: box(svg),
        frame: box(svg.querySelector('rect.pb')),
        marks: [...svg.querySelectorAll('circle')].filter((c) => c.querySelector('title')).map((c) => {
          const r = c.getBoundingClientRect();
          return { title: c.querySelector('title').textContent, cx: (r.left + r.right) / 2, cy: (r.top + r.bottom) / 2, box: box(c), hollow: c.getAttribute('fill') === 'white', onTop: onTop(c) };
        }),
        // The text shown, without a <title> tooltip inside the element.
        texts: [...svg.querySelectorAll('text')].map((t) => ({ cls: t.getAttribute('class') ?? '', text: [...t.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join(''), box: box(t), onTop: onTop(t) })),
      };
    });
  })()`);
}

const inside = (a: Box, b: Box, tol = 0.5) => a.left >= b.left - tol && a.right <= b.right + tol && a.top >= b.top - tol && a.bottom <= b.bottom + tol;
const overlap = (a: Box, b: Box) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
const pointOf = (title: string) => Number(/^#(\d+) /.exec(title)?.[1] ?? NaN);

/** Pairs in `order` (by data) whose screen coordinate goes the wrong way. */
function outOfOrder<T>(items: T[], data: (t: T) => number, screen: (t: T) => number, sign: 1 | -1): string[] {
  const bad: string[] = [];
  for (const a of items) for (const b of items) if (data(a) < data(b) && sign * (screen(b) - screen(a)) < -0.5) bad.push(`${JSON.stringify(a)} / ${JSON.stringify(b)}`);
  return bad.slice(0, 5);
}

/** The checks every rendering of `r` must pass, whatever its points. */
function checkPlots(r: SweepResults, plots: PlotOnPage[]): void {
  const basis = r.summary.throughputBasis;
  const byIndex = new Map(r.points.map((p) => [p.index, p]));
  const indices = (keep: (p: PointResult) => boolean) => r.points.filter(keep).map((p) => p.index);
  const hasFmax = r.points.some((p) => p.metrics.fmaxMHz !== null);
  const expected: [string, number[]][] = [
    ['Throughput against area — Pareto front', indices((p) => areaOf(p) !== null && throughputOf(p, basis) !== null)],
    ['Estimator: estimated against Yosys LUTs (band ±10%)', indices((p) => p.synth !== null && p.estimate !== null)],
    ...r.sweep.axes.map((a): [string, number[]] => [`Area against ${a.key}`, indices((p) => areaOf(p) !== null)]),
    ...(hasFmax ? r.sweep.axes.map((a): [string, number[]] => [`Fmax against ${a.key}`, indices((p) => p.metrics.fmaxMHz !== null)]) : []),
  ];
  expect(plots.map((p) => p.title)).toEqual(expected.map(([t]) => t));

  plots.forEach((plot, i) => {
    const want = expected[i]![1];
    const t = plot.title;
    // One mark per point: the points the plot should hold, each once.
    expect(plot.marks.map((m) => pointOf(m.title)).sort((a, b) => a - b), `${t}: marks`).toEqual(want);
    for (const m of plot.marks) {
      expect(m.box.right - m.box.left, `${t}: ${m.title} has a size`).toBeGreaterThan(0);
      expect(inside(m.box, plot.frame, 1), `${t}: ${m.title} inside the frame ${JSON.stringify(plot.frame)}: ${JSON.stringify(m.box)}`).toBe(true);
    }
    // Text: inside the plot, none on top of another (labels, ticks, legend).
    for (const x of plot.texts) expect(inside(x.box, plot.svg), `${t}: text "${x.text}" inside the plot`).toBe(true);
    const clashes = plot.texts.flatMap((a, j) => plot.texts.slice(j + 1).filter((b) => overlap(a.box, b.box)).map((b) => `"${a.text}" (${a.cls}) / "${b.text}" (${b.cls})`));
    expect(clashes, `${t}: overlapping text`).toEqual([]);

    const point = (m: { title: string }) => byIndex.get(pointOf(m.title))!;
    if (t.startsWith('Throughput')) {
      // Screen position follows the data: more area further right, more throughput higher up.
      expect(outOfOrder(plot.marks, (m) => areaOf(point(m))!, (m) => m.cx, 1), `${t}: x order`).toEqual([]);
      expect(outOfOrder(plot.marks, (m) => throughputOf(point(m), basis)!, (m) => m.cy, -1), `${t}: y order`).toEqual([]);
      for (const m of plot.marks) expect(m.hollow, `${t}: ${m.title} hollow iff an estimate`).toBe(point(m).synth === null);
      // The front: its marks and their labels are what the reader sees, not hidden under neighbours.
      const front = plot.marks.filter((m) => r.summary.pareto.includes(point(m).index));
      expect(front.map((m) => point(m).index).sort((a, b) => a - b)).toEqual([...r.summary.pareto].sort((a, b) => a - b));
      expect(front.filter((m) => !m.onTop).map((m) => m.title), `${t}: Pareto marks covered`).toEqual([]);
      const labels = plot.texts.filter((x) => x.cls === 'ml');
      expect(labels.map((x) => x.text).sort()).toEqual(r.summary.pareto.map((i) => `#${i}`).sort());
      expect(labels.filter((x) => !x.onTop).map((x) => x.text), `${t}: Pareto labels covered`).toEqual([]);
    } else if (t.startsWith('Estimator')) {
      expect(outOfOrder(plot.marks, (m) => point(m).synth!.luts, (m) => m.cx, 1), `${t}: x order`).toEqual([]);
      expect(outOfOrder(plot.marks, (m) => point(m).estimate!.luts, (m) => m.cy, -1), `${t}: y order`).toEqual([]);
    } else {
      const key = t.replace(/^(Area|Fmax) against /, '');
      const metric = (p: PointResult) => (t.startsWith('Area') ? areaOf(p)! : p.metrics.fmaxMHz!);
      expect(outOfOrder(plot.marks, (m) => metric(point(m)), (m) => m.cy, -1), `${t}: y order`).toEqual([]);
      // Each mark sits in its value's column: the nearest category label is its value.
      const axis = r.sweep.axes.find((a) => a.key === key)!;
      const cats = axis.values.map(text);
      const tickLabels = plot.texts.filter((x) => x.cls === 'tk' && x.box.top > plot.frame.bottom);
      expect(tickLabels.map((x) => x.text.replace(/…$/, '')), `${t}: category labels`).toEqual(cats.map((c) => (c.length > 14 ? c.slice(0, 13) : c)));
      // Rotated labels end (text-anchor end) at the tick; upright ones are centred on it.
      const tickX = tickLabels.map((x) => (x.box.bottom - x.box.top > 20 ? x.box.right : (x.box.left + x.box.right) / 2));
      const wrong = plot.marks.filter((m) => {
        const nearest = tickX.reduce((best, x, j) => (Math.abs(x - m.cx) < Math.abs(tickX[best]! - m.cx) ? j : best), 0);
        return cats[nearest] !== text(point(m).values[key]);
      });
      expect(wrong.map((m) => m.title), `${t}: marks in the wrong column`).toEqual([]);
      if (t.startsWith('Area')) for (const m of plot.marks) expect(m.hollow, `${t}: ${m.title} hollow iff an estimate`).toBe(point(m).synth === null);
    }
  });
}

/**
 * The example with every kind of point: two estimated only (no synthesis, no Fmax), one failed
 * in synthesis (a message with markup in it), one invalid config, and long similarity names
 * (turned category labels).
 */
function mixedVariant(r: SweepResults): SweepResults {
  const rename = (v: unknown) => (v === 'xnor' ? 'xnor-popcount' : v === 'and' ? 'and-popcount' : v);
  const noSynth = (p: PointResult): PointResult => ({
    ...p,
    synth: null,
    pnr: null,
    metrics: { ...p.metrics, fmaxMHz: null, throughput: null, lutErrorPct: null, ffErrorPct: null },
  });
  const points = r.points.map((p0): PointResult => {
    const p = { ...p0, values: { ...p0.values, similarity: rename(p0.values['similarity']) } };
    if (p.index === 5 || p.index === 30) return { ...noSynth(p), status: 'estimated' };
    if (p.index === 7) return { ...noSynth(p), status: 'failed', stage: 'synth', message: 'yosys: ERROR: <b>not bold</b> & "quoted"\nsecond line' };
    if (p.index === 9) {
      return {
        ...noSynth(p),
        status: 'invalid',
        stage: 'config',
        key: null,
        errorKey: 'lanes',
        message: 'lanes: 4 is not allowed here',
        derived: null,
        estimate: null,
        operations: null,
        metrics: { itemsPerCycle: null, item: null, fmaxMHz: null, throughput: null, lutErrorPct: null, ffErrorPct: null },
      };
    }
    return p;
  });
  const axes = r.sweep.axes.map((a) => (a.key === 'similarity' ? { ...a, values: a.values.map(rename) } : a));
  return results.buildResults({ ...r.sweep, axes }, points);
}

/** The example as a sweep without place-and-route: no Fmax, throughput per clock cycle. */
function withoutPnr(r: SweepResults): SweepResults {
  const points = r.points.map((p): PointResult => ({ ...p, pnr: null, metrics: { ...p.metrics, fmaxMHz: null, throughput: null } }));
  return results.buildResults({ ...r.sweep, synth: { ...r.sweep.synth, pnr: false } }, points);
}

describe.skipIf(!FULL || !EXE)(`report.html in headless Chromium${!FULL ? FULL_ONLY : !EXE ? NO_BROWSER : ''}`, () => {
  // Made when the tests run, not when the file is collected: a skipped suite runs no afterAll.
  let dir = '';
  const example = JSON.parse(readFileSync(RESULTS, 'utf8')) as SweepResults;
  let page: BrowserPage;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sf-report-'));
    [report, results, hash] = await Promise.all([import('../src/sweep/report.js'), import('../src/sweep/results.js'), import('../src/base/hash.js')]);
    page = await BrowserPage.open();
  });

  afterAll(async () => {
    await page?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('the example sweep', () => {
    let file = '';

    beforeAll(async () => {
      file = join(dir, 'report.html');
      writeFileSync(file, report.renderReport(example));
      await page.goto(file);
    });

    it('draws every plot: one mark per point, in its frame, where its data says; text clear', async () => {
      // All 48 points were synthesised and placed, so every plot holds all of them.
      expect(example.points).toHaveLength(48);
      expect(example.points.every((p) => p.status === 'ok' && p.metrics.fmaxMHz !== null)).toBe(true);
      const plots = await plotsOnPage(page);
      expect(plots).toHaveLength(2 + 2 * example.sweep.axes.length);
      for (const p of plots) expect(p.marks, p.title).toHaveLength(48);
      checkPlots(example, plots);
    });

    it('sorts the table on a click on a column header: both directions, numbers as numbers, rows whole', async () => {
      const rows = () =>
        page.evaluate<string[][]>(`[...document.getElementById('pts').tBodies[0].rows].map((r) => [...r.cells].map((c) => c.dataset.v ?? ''))`);
      const heads = await page.evaluate<string[]>(`[...document.querySelectorAll('#pts thead th')].map((c) => c.textContent)`);
      const col = (name: string) => {
        const i = heads.indexOf(name);
        expect(i, `column ${name} in ${heads.join(', ')}`).toBeGreaterThanOrEqual(0);
        return i;
      };
      const click = (name: string) => page.click(`#pts thead th:nth-child(${col(name) + 1})`);
      const sortedHead = () => page.evaluate<string>(`[...document.querySelectorAll('#pts th.asc, #pts th.desc')].map((c) => c.textContent + ' ' + c.className).join('; ')`);

      const before = await rows();
      const lut = col('LUT4');
      const idx = col('#');
      expect(before.map((r) => Number(r[idx]))).toEqual(example.points.map((p) => p.index));
      const byIndex = new Map(before.map((r) => [r[idx], r.join('|')]));
      const luts = before.map((r) => Number(r[lut]));
      const ascending = [...luts].sort((a, b) => a - b);
      expect(luts, 'the example is not already in LUT order').not.toEqual(ascending);
      // As text, "1064" < "98": a sort that compares the cells as strings gives another order.
      expect([...luts].map(String).sort().map(Number)).not.toEqual(ascending);

      await click('LUT4');
      const asc = await rows();
      expect(asc.map((r) => Number(r[lut]))).toEqual(ascending);
      expect(await sortedHead()).toBe('LUT4 asc');
      for (const r of asc) expect(r.join('|'), 'a row moves whole').toBe(byIndex.get(r[idx]!));

      await click('LUT4');
      expect((await rows()).map((r) => Number(r[lut]))).toEqual([...ascending].reverse());
      expect(await sortedHead()).toBe('LUT4 desc');

      // Fmax has fractions; a text column sorts as text; '#' brings the original order back.
      await click('Fmax MHz');
      const fmax = (await rows()).map((r) => Number(r[col('Fmax MHz')]));
      expect(fmax).toEqual([...fmax].sort((a, b) => a - b));
      await click('similarity');
      const sim = (await rows()).map((r) => r[col('similarity')]!);
      expect(sim).toEqual([...sim].sort());
      expect(new Set(sim)).toEqual(new Set(['xnor', 'and']));
      await click('#');
      expect(await rows()).toEqual(before);
    });

    it('keeps the header row in view while the rows scroll', async () => {
      const seen = await page.evaluate<{ headerTop: number; boxTop: number; headerHit: boolean; rowTop: number; headerBottom: number }>(`(() => {
        const t = document.getElementById('pts');
        t.tBodies[0].rows[40].scrollIntoView({ block: 'center' });
        const th = t.tHead.rows[0].cells[1], r = th.getBoundingClientRect(), box = t.parentElement.getBoundingClientRect();
        const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
        return { headerTop: r.top, boxTop: box.top, headerHit: hit === th || th.contains(hit), rowTop: t.tBodies[0].rows[40].getBoundingClientRect().top, headerBottom: r.bottom };
      })()`);
      // The header is at the top of the table's box, on the screen, above the row brought into view.
      expect(seen.headerTop).toBeGreaterThanOrEqual(0);
      expect(Math.abs(seen.headerTop - seen.boxTop)).toBeLessThan(1.5);
      expect(seen.headerHit, 'the header is what is seen at its place').toBe(true);
      expect(seen.rowTop).toBeGreaterThan(seen.headerBottom);
    });

    it('logs no error or warning, throws nothing, fetches nothing but itself', () => {
      expect(page.errors, JSON.stringify(page.messages, null, 1)).toEqual([]);
      expect(page.messages.filter((m) => m.level === 'warning')).toEqual([]);
      expect(page.requests).toEqual([`file://${file}`]);
    });
  });

  /** Renders `results` into `name` beside the example's page and opens it with a clean log. */
  async function openReport(results: SweepResults, name: string): Promise<string> {
    const file = join(dir, name);
    writeFileSync(file, report.renderReport(results));
    page.errors.length = 0;
    page.messages.length = 0;
    page.requests.length = 0;
    await page.goto(file);
    return file;
  }

  describe('every kind of point (estimated, failed, invalid; long category names)', () => {
    let file = '';
    let mixed: SweepResults;

    beforeAll(async () => {
      mixed = mixedVariant(example);
      file = await openReport(mixed, 'mixed.html');
    });

    it('draws the points each plot should hold, estimates hollow, turned labels clear of the rest', async () => {
      expect(mixed.summary.counts).toMatchObject({ ok: 44, estimated: 2, failed: 1, invalid: 1 });
      const plots = await plotsOnPage(page);
      checkPlots(mixed, plots);
      const area = plots.find((p) => p.title === 'Area against lanes')!;
      expect(area.marks.filter((m) => m.hollow).map((m) => pointOf(m.title)).sort((a, b) => a - b)).toEqual([5, 7, 30]);
      const sim = plots.find((p) => p.title === 'Area against similarity')!;
      const turned = sim.texts.filter((x) => x.cls === 'tk' && x.box.top > sim.frame.bottom);
      expect(turned.map((x) => x.text)).toEqual(['xnor-popcount', 'and-popcount']);
      for (const x of turned) expect(x.box.bottom - x.box.top, `"${x.text}" is turned`).toBeGreaterThan(20);
    });

    it('shows a message as text, not markup, and logs nothing', async () => {
      const cell = await page.evaluate<{ text: string; bold: number }>(
        `(() => { const c = [...document.querySelectorAll('#pts td.msg')].find((c) => c.textContent.includes('ERROR')); return { text: c.textContent, bold: c.querySelectorAll('b').length }; })()`,
      );
      expect(cell).toEqual({ text: 'yosys: ERROR: <b>not bold</b> & "quoted"', bold: 0 });
      expect(page.errors, JSON.stringify(page.messages, null, 1)).toEqual([]);
      expect(page.messages.filter((m) => m.level === 'warning')).toEqual([]);
      expect(page.requests).toEqual([`file://${file}`]);
    });
  });

  describe('without place-and-route (throughput per clock cycle, no Fmax plots)', () => {
    let file = '';
    let perCycle: SweepResults;

    beforeAll(async () => {
      perCycle = withoutPnr(example);
      file = await openReport(perCycle, 'per-cycle.html');
    });

    it('draws the plots it has, one mark per point, and logs nothing', async () => {
      expect(perCycle.summary.throughputBasis).toBe('per-cycle');
      const plots = await plotsOnPage(page);
      expect(plots.some((p) => p.title.startsWith('Fmax'))).toBe(false);
      checkPlots(perCycle, plots);
      expect(page.errors, JSON.stringify(page.messages, null, 1)).toEqual([]);
      expect(page.requests).toEqual([`file://${file}`]);
    });
  });
});
